import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CacheRequest, ResultCache } from './result-cache';

declare module 'fastify' {
  interface FastifyRequest {
    /** The result cache's key of a POST /graphql body, computed once here for Apollo's plugin too. */
    resultCacheKey?: string;
    /** Set by the plugin for a request that computes a cacheable answer: fed the bytes Apollo sends. */
    resultCacheFill?: (body: string | undefined) => void;
  }
}

interface GraphqlBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/** A JSON body: a browser sends one only after a CORS preflight, so no form can forge it (Apollo's CSRF rule). */
const isJson = (request: FastifyRequest): boolean =>
  request.headers['content-type']?.split(';')[0].trim().toLowerCase() === 'application/json';

/** The cache key parts of a POST /graphql body, or undefined for a body Apollo must judge itself. */
export const cacheRequestOfBody = (request: FastifyRequest): CacheRequest | undefined => {
  const body = request.body as GraphqlBody | undefined;
  const { principal } = request;
  if (request.method !== 'POST' || principal === null || !isJson(request) || typeof body?.query !== 'string')
    return undefined;
  const { operationName, variables } = body;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return undefined;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  )
    return undefined;
  return {
    orgId: principal.orgId,
    groupId: principal.groupId,
    query: body.query,
    operationName,
    variables: variables as Record<string, unknown> | null | undefined,
  };
};

/**
 * A cache hit over HTTP is answered once the body is read, after authentication and before Apollo:
 * the stored response bytes are written as they are, with no parsing, validation or serialisation.
 * A miss the plugin computes is stored as the bytes Apollo sends (onSend).
 */
export function answerFromCache(fastify: FastifyInstance, cache: ResultCache, path: string): void {
  fastify.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== path || !cache.usable) return;
    const parts = cacheRequestOfBody(request);
    if (parts === undefined) return;
    const key = cache.keyOf(parts);
    const found = await cache.lookup(key, parts.orgId);
    if (found === undefined) {
      request.resultCacheKey = key;
      return;
    }
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(found);
  });
  // the answer is stored as Apollo serialised it: serialising it a second time for the cache cost as much
  // again (a tenth of a large page's CPU)
  fastify.addHook('onSend', async (request, reply, payload) => {
    fill(request, reply.statusCode === 200 && typeof payload === 'string' ? payload : undefined);
    return payload;
  });
  // a reply that never reached onSend still releases the requests waiting for this answer
  const release = (request: FastifyRequest) => Promise.resolve(fill(request, undefined));
  fastify.addHook('onResponse', release);
  fastify.addHook('onRequestAbort', release);
}

function fill(request: FastifyRequest, body: string | undefined): void {
  const filled = request.resultCacheFill;
  if (filled === undefined) return;
  request.resultCacheFill = undefined;
  filled(body);
}
