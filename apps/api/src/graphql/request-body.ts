import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { httpRefusal, tooLargeBody } from './graphql-errors';
import { QUERY_LIMITS } from './query-limits/query-limits';

/**
 * GraphQL over HTTP takes a JSON body of at most QUERY_LIMITS.maxBodyBytes: a larger one is refused
 * (413, QUERY_LIMIT_EXCEEDED) from its Content-Length before it is read, or once that much has arrived.
 */
export function limitRequestBodies(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: QUERY_LIMITS.maxBodyBytes });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const { type, length } = (error ?? {}) as { type?: unknown; length?: unknown };
    let refusal: GraphQLError | undefined;
    if (type === 'entity.too.large') refusal = tooLargeBody(typeof length === 'number' ? length : undefined);
    else if (
      type === 'entity.parse.failed' ||
      type === 'encoding.unsupported' ||
      type === 'charset.unsupported'
    )
      refusal = new GraphQLError(`the request body is not JSON a GraphQL server reads (${String(type)})`, {
        extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
      });
    if (!refusal) {
      next(error);
      return;
    }
    const { status, body } = httpRefusal(refusal);
    res.status(status).json(body);
  });
}
