import { HttpException, PayloadTooLargeException } from '@nestjs/common';
import { readBoundedBody } from '@orgpulse/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { GraphQLError } from 'graphql';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import { tooLargeBody } from './graphql-errors';
import { QUERY_LIMITS } from './query-limits/query-limits';

/** GraphQL over HTTP takes a JSON body of at most this many bytes. */
export const GRAPHQL_BODY_LIMIT = QUERY_LIMITS.maxBodyBytes;

type ParseText = (
  request: FastifyRequest,
  text: string,
  done: (error: Error | null, body?: unknown) => void,
) => void;

/**
 * Request bodies of at most GRAPHQL_BODY_LIMIT bytes: JSON parsed as fastify does (prototype poisoning
 * refused); the media types a form or another origin's page sends without a preflight kept as text, for
 * Apollo's CSRF refusal. A larger body of an authenticated GraphQL request is read to its end and dropped
 * (within a bound) before the 413, as the ingest gateway does: a client still sending it (fetch, axios)
 * otherwise meets a closed connection. Any other request (unauthenticated: another route) is refused at once.
 */
export function registerGraphqlBodyParsers(fastify: FastifyInstance): void {
  const bounded =
    (parse: ParseText) =>
    (request: FastifyRequest, payload: Readable, done: (error: Error | null, body?: unknown) => void) =>
      readBoundedBody(
        payload,
        {
          declaredLength: request.headers['content-length'],
          limit: GRAPHQL_BODY_LIMIT,
          tooLarge,
          // only an authenticated GraphQL request is worth reading to its end; any other is refused at once
          drainBytes: (request as Partial<AuthenticatedRequest>).principal ? undefined : 0,
        },
        (error, body) => {
          if (error !== null || body === undefined) done(error ?? tooLarge(), undefined);
          else parse(request, body.toString('utf8'), done);
        },
      );
  const defaultJson = fastify.getDefaultJsonParser('error', 'error');
  const parseJson: ParseText = (request, text, done) => void defaultJson(request, text, done);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', bounded(parseJson));
  fastify.addContentTypeParser(
    ['text/plain', 'application/x-www-form-urlencoded'],
    bounded((_request, text, done) => done(null, text)),
  );
}

const tooLarge = () => new PayloadTooLargeException();

/** What a refusal of fastify's body parsing says to a GraphQL client (QUERY_LIMIT_EXCEEDED for the size). */
export function bodyRefusal(exception: unknown, request: FastifyRequest): GraphQLError | undefined {
  if (!(exception instanceof HttpException)) return undefined;
  const status = exception.getStatus();
  if (status === 413) {
    const length = Number(request.headers['content-length']);
    return tooLargeBody(Number.isSafeInteger(length) && length > GRAPHQL_BODY_LIMIT ? length : undefined);
  }
  if (status === 400 || status === 415)
    return new GraphQLError(`the request body is not JSON a GraphQL server reads (${exception.message})`, {
      extensions: { code: 'BAD_REQUEST', http: { status } },
    });
  return undefined;
}
