import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Logger } from '@orgpulse/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpRefusal } from '../graphql/graphql-errors';
import { bodyRefusal } from '../graphql/request-body';

/**
 * Errors of the HTTP layer (fastify's body parsing, unknown routes, controllers) in the shape their
 * clients read: a GraphQL client gets `{ errors }` with a code. Errors inside GraphQL resolvers are
 * Apollo's to format (graphql-errors.ts), so they pass through.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const refusal = bodyRefusal(exception, http.getRequest<FastifyRequest>());
    if (refusal !== undefined) {
      const { status, body } = httpRefusal(refusal);
      return reply.code(status).send(body);
    }
    if (exception instanceof HttpException)
      return reply.code(exception.getStatus()).send(exception.getResponse());
    this.logger.error({ err: exception }, 'unexpected error in the HTTP layer');
    return reply.code(500).send({ statusCode: 500, message: 'Internal server error' });
  }
}
