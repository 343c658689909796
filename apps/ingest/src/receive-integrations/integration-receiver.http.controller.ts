import { Controller, Headers, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IntegrationReceiver, type Receipt } from './integration-receiver';
import { ReceiveIntegrationApiDocs } from './integration-receiver.api-docs';

/** Slack wants every answer to a slash command as a 200 message, or it shows the user an error. */
function slackMessage(receipt: Receipt): { response_type: 'in_channel' | 'ephemeral'; text: string } {
  if (receipt.outcome === 'ACCEPTED') return { response_type: 'in_channel', text: receipt.said };
  if (receipt.outcome === 'IGNORED')
    return { response_type: 'ephemeral', text: receipt.help ?? `Nothing was recorded: ${receipt.reason}.` };
  const problems = receipt.error.problems.map((p) => `${p.path} ${p.message}`).join('; ');
  return { response_type: 'ephemeral', text: `Nothing was recorded: ${problems || receipt.error.message}.` };
}

@Controller('v1/integrations')
export class IntegrationReceiverHttpController {
  constructor(private readonly receiver: IntegrationReceiver) {}

  @Post(':id')
  @ReceiveIntegrationApiDocs()
  async receive(
    @Param('id') integrationId: string,
    @Req() request: FastifyRequest,
    @Headers('content-type') contentType: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    // no body is verified like any other: its signature cannot match, or it maps to nothing
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const receipt = await this.receiver.receive({
      integrationId,
      headers: request.headers,
      contentType,
      body,
    });
    if (receipt.kind === 'SLACK') {
      void reply.status(200);
      return slackMessage(receipt);
    }
    if (receipt.outcome === 'REJECTED') throw receipt.error;
    if (receipt.outcome === 'IGNORED') {
      void reply.status(200);
      return { ignored: receipt.reason };
    }
    void reply.status(202);
    return { accepted: receipt.accepted };
  }
}
