import type { ApolloDriverConfig } from '@nestjs/apollo';
import { type ApiPrincipal, CredentialsRepository } from '@orgpulse/persistence';
import type { Logger } from '@orgpulse/platform';
import type { GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/api-token.middleware';
import { complexityLimitPlugin, maxDepthRule } from './query-limits';
import { RequestContext } from './request-context';
import type { OrgDataVersions } from './result-cache/org-data-versions';
import { resultCachePlugin } from './result-cache/result-cache.plugin';

export const MAX_QUERY_DEPTH = 8;
export const MAX_QUERY_COMPLEXITY = 20_000;

const CLIENT_ERRORS = new Set([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/** Apollo options: org-scoped context per request, limits, and internal errors masked. */
export function graphqlOptions({
  db,
  logger,
  production,
  dataVersions,
  resultCacheMs,
}: {
  db: DataSource;
  logger: Logger;
  production: boolean;
  dataVersions: OrgDataVersions;
  resultCacheMs: number;
}): ApolloDriverConfig {
  const credentials = new CredentialsRepository(db);
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    // HTTP requests were authenticated by the middleware, subscriptions when their socket connected
    context: ({ req, extra }: { req?: AuthenticatedRequest; extra?: { principal?: ApiPrincipal } }) =>
      new RequestContext((extra?.principal ?? req?.principal) as ApiPrincipal, db, req),
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: async (ctx: { connectionParams?: Record<string, unknown>; extra: unknown }) => {
          const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
          const token = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
          const principal = token === undefined ? undefined : await credentials.findApiPrincipal(token);
          if (principal === undefined) return false;
          (ctx.extra as { principal?: ApiPrincipal }).principal = principal;
          return true;
        },
      },
    },
    validationRules: [maxDepthRule(MAX_QUERY_DEPTH)],
    plugins: [
      complexityLimitPlugin(MAX_QUERY_COMPLEXITY),
      ...(resultCacheMs > 0
        ? [resultCachePlugin(dataVersions, { maxAgeMs: resultCacheMs, maxEntries: 1_000 })]
        : []),
    ],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => {
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && CLIENT_ERRORS.has(code)) return formatted;
      logger.error({ err: error }, 'GraphQL internal error');
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  };
}
