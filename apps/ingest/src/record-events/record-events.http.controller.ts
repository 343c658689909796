import { Body, Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRawRequest } from '../auth/ingest-key.middleware';
import { IngestError } from '../errors/ingest-error';
import { type BinaryModeHeaders, binaryModeHeaders, isBinaryMode } from './cloud-events';
import { RecordEventsApiDocs } from './record-events.api-docs';
import { type EventBodyFormat, RecordEventsHandler } from './record-events.handler';

/** Structured mode wins over ce-* headers, as the CloudEvents HTTP binding (3.1) says. */
const formatOf = (contentType: string | undefined, headers: BinaryModeHeaders): EventBodyFormat => {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/cloudevents+json') return 'cloudevent';
  if (mediaType === 'application/cloudevents-batch+json') return 'cloudevent-batch';
  return isBinaryMode(headers) ? 'cloudevent-binary' : 'native';
};

@Controller('v1/events')
export class RecordEventsHttpController {
  constructor(@Inject(RecordEventsHandler) private readonly events: RecordEventsHandler) {}

  @Post()
  @HttpCode(202)
  @RecordEventsApiDocs()
  async record(
    @Req() request: FastifyRequest,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ): Promise<{ accepted: number }> {
    const orgId = (request.raw as AuthenticatedRawRequest).orgId;
    if (orgId === undefined)
      throw new IngestError('UNAUTHORIZED', 'missing ingest key: send Authorization: Bearer <key>');
    if (body === undefined) {
      throw new IngestError(
        'INVALID_REQUEST',
        'the body is empty; post JSON with Content-Type: application/json',
      );
    }
    const format = formatOf(contentType, request.headers);
    const headers = format === 'cloudevent-binary' ? binaryModeHeaders(request.headers) : {};
    const accepted = await this.events.record({ orgId, format, body, headers });
    return { accepted };
  }
}
