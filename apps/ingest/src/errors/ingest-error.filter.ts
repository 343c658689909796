import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Logger } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { LOGGER } from '@orgpulse/runtime';
import { IngestError } from './ingest-error';

// Nest's fastify adapter turns fastify's own refusals (body limit, media type) into HttpExceptions.
const byStatus: Record<number, () => IngestError> = {
  400: () => new IngestError('INVALID_REQUEST', 'the request is malformed'),
  404: () => new IngestError('NOT_FOUND', 'no such route; events are posted to POST /v1/events'),
  413: () => new IngestError('PAYLOAD_TOO_LARGE', 'the body is larger than 1 MiB'),
  415: () =>
    new IngestError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Content-Type must be application/json, application/cloudevents+json or application/cloudevents-batch+json',
    ),
};

/** Maps every error of the ingest transport to the contract's status and `errors` body, once. */
@Catch()
export class IngestErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toIngestError(exception);
    if (error.retryAfterSeconds !== undefined)
      void reply.header('Retry-After', String(error.retryAfterSeconds));
    void reply.status(error.status).send(error.toBody());
  }

  private toIngestError(exception: unknown): IngestError {
    if (exception instanceof IngestError) return exception;
    if (exception instanceof HttpException && exception.getStatus() in byStatus)
      return byStatus[exception.getStatus()]();
    this.logger.error({ err: exception }, 'unexpected ingest error');
    return new IngestError('INTERNAL', 'internal error; nothing was accepted, the request may be retried');
  }
}
