import type { NextFunction, Response } from 'express';
import type { AuthenticatedRequest } from '../../auth/api-token.middleware';
import type { CacheRequest, ResultCache } from './result-cache';

interface GraphqlBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/** The cache key parts of a POST /graphql body, or undefined for a body Apollo must judge itself. */
const cacheRequestOfBody = (req: AuthenticatedRequest): CacheRequest | undefined => {
  const body = req.body as GraphqlBody | undefined;
  if (req.method !== 'POST' || typeof body?.query !== 'string') return undefined;
  const { operationName, variables } = body;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return undefined;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  )
    return undefined;
  const { principal } = req;
  return {
    orgId: principal.orgId,
    groupId: principal.groupId,
    query: body.query,
    operationName,
    variables: variables as Record<string, unknown> | null | undefined,
  };
};

/** Writes the stored bytes of a cached result, or passes the request on to Apollo. */
export function answerFromCache(
  cache: ResultCache | null,
  req: AuthenticatedRequest,
  res: Response,
  next: NextFunction,
): void {
  const parts = cache?.usable ? cacheRequestOfBody(req) : undefined;
  if (!cache || parts === undefined) return next();
  cache
    .lookup(cache.keyOf(parts), parts.orgId)
    .then((found) => {
      if (found === undefined) return next();
      res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
      res.end(found);
    })
    .catch(next);
}
