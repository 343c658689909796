import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { Logger } from '@orgpulse/platform';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import type { ApiCache } from '../cache/api-cache';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import { CooperativeScheduler } from './execution-limits/cooperative-scheduler';
import type { ExecutionLimits } from './execution-limits/execution-budget';
import { InflightWork } from './execution-limits/inflight-work';
import { limitExecution } from './execution-limits/limit-execution';
import { formatGraphqlError } from './graphql-errors';
import { OrgSizesSource } from './query-limits/org-sizes.source';
import { queryLimitsPlugin } from './query-limits/query-limits.plugin';
import { QUERY_LIMITS } from './query-limits/query-limits';
import { queryShapeRule } from './query-limits/query-shape.rule';
import { RequestContext } from './request-context';
import type { TeamHistoryCache } from '../read-models/team-history.cache';
import { DateTime, dateTimeArgumentsRule } from './date-time.scalar';
import type { OrgDataVersions } from './result-cache/org-data-versions';
import type { ResultCache } from './result-cache/result-cache';
import { resultCachePlugin } from './result-cache/result-cache.plugin';

export const GRAPHQL_PATH = '/graphql';

// Apollo's types as @nestjs/apollo sees them (the package ships ESM and CJS declarations)
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/**
 * Apollo options for GraphQL over HTTP: org-scoped context per request, the query limits in the
 * order they cost (body size before parsing, tokens while parsing, shape while validating, cost
 * from the org's sizes with the variables before execution, then a turn, a deadline and a response
 * size while executing, in slices that leave the event loop to others), errors mapped once.
 * graphql-ws is served beside it (subscriptions/graphql-ws.server.ts) with the same static limits.
 */
export function graphqlOptions({
  db,
  logger,
  hideSchema,
  limits,
  cache,
  dataVersions,
  resultCache,
  teamHistories,
}: {
  db: DataSource;
  logger: Logger;
  /** No introspection and no field suggestions (API_INTROSPECTION). */
  hideSchema: boolean;
  limits: ExecutionLimits;
  /** Absent: nothing is cached (API_RESULT_CACHE_MS=0). */
  cache?: ApiCache;
  dataVersions: OrgDataVersions;
  resultCache?: ResultCache;
  /** Absent: each request reads the teams' weeks it needs. */
  teamHistories?: TeamHistoryCache;
}): ApolloDriverConfig {
  const scheduler = new CooperativeScheduler();
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    // one DateTime, the strict one (contract §11), for fields declared with a bare Date too
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTime }] },
    introspection: !hideSchema,
    hideSchemaDetailsFromClientErrors: hideSchema,
    includeStacktraceInErrorResponses: false,
    transformSchema: (schema: GraphQLSchema) => limitExecution(schema, scheduler),
    // the onRequest hook authenticated the request
    context: (request: AuthenticatedRequest) =>
      new RequestContext(request.principal, db, request, undefined, teamHistories, scheduler),
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    validationRules: [dateTimeArgumentsRule, queryShapeRule(QUERY_LIMITS)],
    plugins: [
      // its cache hints are computed per field (closures and promises for every one): this API
      // caches whole answers itself (result-cache)
      ApolloServerPluginCacheControlDisabled() as unknown as ApolloPlugin,
      queryLimitsPlugin(
        QUERY_LIMITS,
        limits,
        new OrgSizesSource(db, cache, dataVersions),
        new InflightWork(QUERY_LIMITS.maxInflightCost),
      ),
      ...(resultCache ? [resultCachePlugin(resultCache)] : []),
    ],
    formatError: (formatted: GraphQLFormattedError, error: unknown) =>
      formatGraphqlError(formatted, error, (internal) =>
        logger.error({ err: internal }, 'GraphQL internal error'),
      ),
  };
}
