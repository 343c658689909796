import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { Logger } from '@orgpulse/platform';
import type { GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/api-token.middleware';
import { DateTime, dateTimeArgumentsRule } from './date-time.scalar';
import { formatGraphqlError } from './graphql-errors';
import { queryCostPlugin } from './query-limits/query-limits.plugin';
import { QUERY_LIMITS } from './query-limits/query-limits';
import { queryShapeRule } from './query-limits/query-shape.rule';
import type { TeamHistoryCache } from '../read-models/team-history.cache';
import { RequestContext } from './request-context';
import type { ResultCache } from './result-cache/result-cache';
import { resultCachePlugin } from './result-cache/result-cache.plugin';

/**
 * Apollo options for GraphQL over HTTP: org-scoped context per request, the query limits in the
 * order they cost (body size before parsing, tokens while parsing, shape while validating, cost
 * with the variables before execution), errors mapped once. graphql-ws is served beside it
 * (subscriptions/graphql-ws.server.ts) with the same limits.
 */
export function graphqlOptions({
  db,
  logger,
  production,
  resultCache,
  teamHistories,
}: {
  db: DataSource;
  logger: Logger;
  production: boolean;
  /** Absent: results are not cached (API_RESULT_CACHE_MS=0). */
  resultCache?: ResultCache;
  /** Absent: each request reads the teams' weeks it needs. */
  teamHistories?: TeamHistoryCache;
}): ApolloDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // one DateTime, the strict one (contract §11), for fields declared with a bare Date too
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTime }] },
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    // the middleware authenticated the request
    context: ({ req }: { req: AuthenticatedRequest }) =>
      new RequestContext(req.principal, db, req, undefined, teamHistories),
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    validationRules: [dateTimeArgumentsRule, queryShapeRule(QUERY_LIMITS)],
    plugins: [queryCostPlugin(QUERY_LIMITS), ...(resultCache ? [resultCachePlugin(resultCache)] : [])],
    formatError: (formatted: GraphQLFormattedError, error: unknown) =>
      formatGraphqlError(formatted, error, (internal) =>
        logger.error({ err: internal }, 'GraphQL internal error'),
      ),
  };
}
