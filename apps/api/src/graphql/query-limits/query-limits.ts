import { GraphQLError } from 'graphql';

/** What a single GraphQL request may ask for; everything is decided before execution. */
export interface QueryLimits {
  /** Bytes of a POST body (JSON), or of a graphql-ws message. */
  maxBodyBytes: number;
  /** Lexical tokens of the document: bounds the parser and every later pass. */
  maxTokens: number;
  /** Fields nested in one another, through fragments. */
  maxDepth: number;
  /** Aliased fields, counted as executed (a fragment spread twice counts its aliases twice). */
  maxAliases: number;
  /** Estimated fields resolved, multiplied by list sizes (see query-cost.ts). */
  maxCost: number;
  /** The cost of every query executing at once (their answers' memory); more waits its turn. */
  maxInflightCost: number;
}

export const QUERY_LIMITS: QueryLimits = {
  maxBodyBytes: 100 * 1024,
  maxTokens: 3_000,
  maxDepth: 8,
  maxAliases: 100,
  maxCost: 100_000,
  // half the largest accepted cost: a query that large runs alone, its answer the only large one in memory
  maxInflightCost: 50_000,
};

/** A paged list: `first` defaults to `defaultSize`; more than `maxSize` is refused before execution. */
export interface Paging {
  defaultSize: number;
  maxSize: number;
}

// Contract §12: every list of teams, groups, people, managers, alerts and blocking edges, and the
// connections over them. Without `first`, the contract's unpaged lists still return whole orgs up to this size.
export const PAGE: Paging = { defaultSize: 500, maxSize: 1_000 };
export const TEAMS_PAGE = PAGE;
export const MANAGERS_PAGE = PAGE;
export const ALERTS_PAGE = PAGE;
export const GROUPS_PAGE = PAGE;
export const PEOPLE_PAGE = PAGE;
export const BLOCKING_EDGES_PAGE = PAGE;

/** The page a resolver serves; the cost analysis has already refused a `first` outside [0, maxSize]. */
export const pageSize = (first: number | null | undefined, paging: Paging): number =>
  Math.max(0, Math.min(first ?? paging.defaultSize, paging.maxSize));

export const QUERY_LIMIT_EXCEEDED = 'QUERY_LIMIT_EXCEEDED';

export type QueryLimitName =
  | 'bodyBytes'
  | 'tokens'
  | 'depth'
  | 'aliases'
  | 'cost'
  | 'first'
  | 'subscriptions'
  | 'deadlineMs'
  | 'responseBytes';

/** A refusal that names the limit, the maximum and what the request asked for. */
export function queryLimitError(
  limit: QueryLimitName,
  max: number,
  actual: number | undefined,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: QUERY_LIMIT_EXCEEDED,
      limit,
      max,
      ...(actual === undefined ? {} : { actual: Number.isFinite(actual) ? actual : Number.MAX_VALUE }),
      ...extensions,
      http: { status: limit === 'bodyBytes' ? 413 : 400 },
    },
  });
}
