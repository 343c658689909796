import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AuthenticatedRequest } from '../../auth/api-token.middleware';
import { type CacheRequest, ResultCache } from './result-cache';

/** The API's result cache, or null when caching is off (API_RESULT_CACHE_MS=0). */
export const RESULT_CACHE = Symbol('ResultCache');

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

/**
 * A cache hit over HTTP is answered here, after authentication and before Apollo: the stored
 * response bytes are written as they are, with no parsing, validation or serialisation.
 */
@Injectable()
export class ServedFromCacheMiddleware implements NestMiddleware {
  constructor(@Inject(RESULT_CACHE) private readonly cache: ResultCache | null) {}

  use(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    const cache = this.cache;
    const parts = cache?.usable ? cacheRequestOfBody(req) : undefined;
    if (cache === null || parts === undefined) return next();
    cache
      .lookup(cache.keyOf(parts))
      .then((found) => {
        if (found === undefined) return next();
        res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
        res.end(found.bytes);
      })
      .catch(next);
  }
}
