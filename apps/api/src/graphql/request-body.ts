import { HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { tooLargeBody } from './graphql-errors';
import { QUERY_LIMITS } from './query-limits/query-limits';

/**
 * GraphQL over HTTP takes a JSON body of at most this many bytes: fastify refuses a larger one from
 * its Content-Length before reading it, or once that much has arrived (413).
 */
export const GRAPHQL_BODY_LIMIT = QUERY_LIMITS.maxBodyBytes;

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
