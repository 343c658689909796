import { Controller, Get, Inject, Res } from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { serviceHealth } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

@Controller('health')
export class HealthHttpController {
  constructor(
    @Inject(KafkaHealthProbe) private readonly kafka: KafkaHealthProbe,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const report = await serviceHealth(this.kafka, this.db);
    await reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }
}
