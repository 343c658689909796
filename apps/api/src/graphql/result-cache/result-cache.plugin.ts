import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  type FormattedExecutionResult,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
} from 'graphql';
import type { RequestContext } from '../request-context';
import type { CacheRequest, ResultCache } from './result-cache';

// Apollo's types as @nestjs/apollo sees them (the package ships ESM and CJS declarations)
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/** Root fields computed only from read models (and the clock): safe to share between requests of an org. */
export const CACHEABLE_ROOT_FIELDS = new Set([
  'orgOverview',
  'groupWeeklyTrend',
  'team',
  'teams',
  'teamsConnection',
  'manager',
  'managers',
  'managersConnection',
  'dataFreshness',
  'blockingEdges',
  'group',
  'groups',
  '__typename',
]);

interface RequestParts {
  contextValue: unknown;
  request: { query?: string; operationName?: string | null; variables?: Record<string, unknown> };
}

/** The scope a principal sees: its org, and its group when the token is group-scoped. */
export const cacheRequestOf = (rc: RequestParts): CacheRequest => {
  const principal = (rc.contextValue as RequestContext).principal as {
    orgId: string;
    groupId?: string | null;
  };
  return {
    orgId: principal.orgId,
    groupId: principal.groupId,
    query: rc.request.query,
    operationName: rc.request.operationName,
    variables: rc.request.variables,
  };
};

const cacheable = (operation: OperationDefinitionNode | undefined): boolean =>
  operation?.operation === OperationTypeNode.QUERY &&
  operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && CACHEABLE_ROOT_FIELDS.has(s.name.value),
  );

/**
 * Many leaders open the same dashboards: an org's query result is computed by one request and served
 * to the others (see ResultCache). Hits over HTTP are answered before Apollo with the stored bytes
 * (answer-from-cache); this plugin leads the computation of the others, and answers the requests that got
 * past it. What a request over HTTP computed is stored as Apollo sends it (answer-from-cache's onSend),
 * anything else (a query over a WebSocket) as serialised here.
 */
export function resultCachePlugin(cache: ResultCache): ApolloPlugin {
  return {
    requestDidStart: () => {
      let leading: ((body: string | undefined) => void) | undefined;
      return Promise.resolve({
        responseForOperation: async (rc) => {
          if (!cache.usable || !cacheable(rc.operation)) return null;
          const request = cacheRequestOf(rc);
          // over HTTP the key was computed as the body arrived (answer-from-cache)
          const key = (rc.contextValue as RequestContext).req?.resultCacheKey ?? cache.keyOf(request);
          const found = await cache.lookup(key, request.orgId);
          if (found !== undefined) {
            const singleResult = JSON.parse(found.toString('utf8')) as FormattedExecutionResult;
            return { http: rc.response.http, body: { kind: 'single', singleResult } };
          }
          leading = cache.lead(key, request.orgId);
          return null;
        },
        willSendResponse: (rc) => {
          const { orgId } = cacheRequestOf(rc);
          if (rc.operation?.operation === OperationTypeNode.MUTATION) cache.versions.wrote(orgId);
          if (leading !== undefined) {
            const { body } = rc.response;
            const http = (rc.contextValue as RequestContext).req;
            if (body.kind !== 'single' || body.singleResult.errors) leading(undefined);
            // a request answer-from-cache saw: stored as Apollo sends it (its onSend); else serialised here
            else if (http?.resultCacheKey !== undefined) http.resultCacheFill = leading;
            else leading(JSON.stringify(body.singleResult));
            leading = undefined;
          }
          return Promise.resolve();
        },
      });
    },
  };
}
