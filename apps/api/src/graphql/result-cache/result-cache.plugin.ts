import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  type FormattedExecutionResult,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
} from 'graphql';
import type { RequestContext } from '../request-context';
import type { OrgDataVersions } from './org-data-versions';

// Apollo's types as @nestjs/apollo sees them (the package ships ESM and CJS declarations)
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/** Root fields computed only from read models (and the clock): safe to share between requests of an org. */
export const CACHEABLE_ROOT_FIELDS = new Set([
  'orgOverview',
  'groupWeeklyTrend',
  'team',
  'teams',
  'manager',
  'managers',
  '__typename',
]);

export interface ResultCacheOptions {
  /** How long a result may be served: bounds how far `now`-dependent figures (open blocks) lag. */
  maxAgeMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  result: FormattedExecutionResult;
  expiresAt: number;
}

interface KeyParts {
  contextValue: unknown;
  queryHash?: string;
  operationName?: string | null;
  request: { variables?: Record<string, unknown> };
}

/** A waiter computes the result itself if the request computing it takes too long. */
const withinLeaderWait = async <T>(pending: Promise<T> | undefined): Promise<T | undefined> => {
  if (pending === undefined) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 10_000)));
  try {
    return await Promise.race([pending, giveUp]);
  } finally {
    clearTimeout(timer);
  }
};

const cacheable = (operation: OperationDefinitionNode | undefined): boolean =>
  operation?.operation === OperationTypeNode.QUERY &&
  operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && CACHEABLE_ROOT_FIELDS.has(s.name.value),
  );

/**
 * Many leaders open the same dashboards: an org's query result is computed once per data version
 * (concurrent requests for it wait for that one) and served for at most `maxAgeMs`.
 */
export function resultCachePlugin(
  versions: OrgDataVersions,
  { maxAgeMs, maxEntries, now = Date.now }: ResultCacheOptions,
): ApolloPlugin {
  const entries = new Map<string, Entry>();
  const computing = new Map<string, Promise<FormattedExecutionResult | undefined>>();
  const orgOf = (rc: { contextValue: unknown }) => (rc.contextValue as RequestContext).orgId;
  const keyOf = (rc: KeyParts) =>
    JSON.stringify([
      // a group-scoped token sees another answer than the org's other tokens
      (rc.contextValue as RequestContext).cacheScope,
      versions.of(orgOf(rc)),
      rc.queryHash,
      rc.operationName ?? null,
      rc.request.variables ?? {},
    ]);
  const fresh = (key: string) => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt > now()) return entry.result;
    entries.delete(key);
    return undefined;
  };
  return {
    requestDidStart: () => {
      let leading: { key: string; done: (result: FormattedExecutionResult | undefined) => void } | undefined;
      const finish = (result: FormattedExecutionResult | undefined) => {
        if (leading === undefined) return;
        computing.delete(leading.key);
        leading.done(result);
        leading = undefined;
      };
      return Promise.resolve({
        responseForOperation: async (rc) => {
          if (!versions.listening || !cacheable(rc.operation)) return null;
          const key = keyOf(rc);
          const result = fresh(key) ?? (await withinLeaderWait(computing.get(key)));
          if (result !== undefined)
            return { http: rc.response.http, body: { kind: 'single', singleResult: result } };
          if (!computing.has(key)) {
            let done: (result: FormattedExecutionResult | undefined) => void = () => undefined;
            computing.set(key, new Promise((resolve) => (done = resolve)));
            leading = { key, done };
          }
          return null;
        },
        willSendResponse: (rc) => {
          if (rc.operation?.operation === OperationTypeNode.MUTATION) versions.bump(orgOf(rc));
          if (leading !== undefined) {
            const { body } = rc.response;
            // a change announced while this result was computed makes it stale: keep it out
            if (body.kind !== 'single' || body.singleResult.errors || leading.key !== keyOf(rc)) {
              finish(undefined);
            } else {
              if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
              entries.set(leading.key, { result: body.singleResult, expiresAt: now() + maxAgeMs });
              finish(body.singleResult);
            }
          }
          return Promise.resolve();
        },
      });
    },
  };
}
