import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { Type } from '@nestjs/common';
import type { Logger } from '@orgpulse/platform';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import type { CooperativeScheduler } from './execution-limits/cooperative-scheduler';
import type { ExecutionLimits } from './execution-limits/execution-budget';
import { callFieldResolversDirectly } from './direct-fields/direct-field-resolvers';
import { fieldResolverMethods } from './direct-fields/field-resolver-methods';
import { InflightWork } from './execution-limits/inflight-work';
import { limitExecution } from './execution-limits/limit-execution';
import { formatGraphqlError } from './graphql-errors';
import { queryLimitsPlugin } from './query-limits/query-limits.plugin';
import { QUERY_LIMITS } from './query-limits/query-limits';
import { DateTime } from './date-time.scalar';
import type { GraphqlPolicy } from './graphql-policy';
import type { ResultCache } from './result-cache/result-cache';
import { resultCachePlugin } from './result-cache/result-cache.plugin';

export const GRAPHQL_PATH = '/graphql';

// Apollo's types as @nestjs/apollo sees them (the package ships ESM and CJS declarations)
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/**
 * Apollo options for GraphQL over HTTP: the policy's parse limit, rules, cost and context (the same as
 * graphql-ws's, see GraphqlPolicy), with what only HTTP has: the body size before parsing, a turn
 * among executing queries, a deadline and a response size while executing in slices that leave the
 * event loop to others, the result cache, and errors mapped once.
 */
export function graphqlOptions({
  policy,
  scheduler,
  logger,
  limits,
  resultCache,
  fieldResolvers,
}: {
  policy: GraphqlPolicy;
  scheduler: CooperativeScheduler;
  logger: Logger;
  limits: ExecutionLimits;
  /** Absent: nothing is cached (API_RESULT_CACHE_MS=0). */
  resultCache?: ResultCache;
  /** The resolver classes whose field resolvers are called directly, and their instances. */
  fieldResolvers: { resolvers: readonly Type[]; instanceOf: (resolver: Type) => object };
}): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    // one DateTime, the strict one (contract §11), for fields declared with a bare Date too
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTime }] },
    // the policy's rules refuse introspection when the schema is hidden, over both transports
    introspection: true,
    hideSchemaDetailsFromClientErrors: policy.hideSchema,
    includeStacktraceInErrorResponses: false,
    transformSchema: (schema: GraphQLSchema) => {
      const { direct, kept } = callFieldResolversDirectly(
        schema,
        fieldResolverMethods(fieldResolvers.resolvers),
        fieldResolvers.instanceOf,
      );
      logger.info({ direct: direct.length, kept }, 'GraphQL field resolvers called directly, and those kept');
      return limitExecution(schema, scheduler);
    },
    // the onRequest hook authenticated the request
    context: (request: AuthenticatedRequest) => policy.context(request.principal, request),
    parseOptions: policy.parseOptions,
    validationRules: [...policy.validationRules],
    plugins: [
      // its cache hints are computed per field (closures and promises for every one): this API
      // caches whole answers itself (result-cache)
      ApolloServerPluginCacheControlDisabled() as unknown as ApolloPlugin,
      queryLimitsPlugin(policy, limits, new InflightWork(QUERY_LIMITS.maxInflightCost)),
      ...(resultCache ? [resultCachePlugin(resultCache)] : []),
    ],
    formatError: (formatted: GraphQLFormattedError, error: unknown) =>
      formatGraphqlError(formatted, error, (internal) =>
        logger.error({ err: internal }, 'GraphQL internal error'),
      ),
  };
}
