import { Controller, Get, Res } from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { healthHttpStatus, serviceHealth } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly kafka: KafkaHealthProbe,
    private readonly db: DataSource,
  ) {}

  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const report = await serviceHealth(this.kafka, this.db);
    await reply.code(healthHttpStatus(report)).send(report);
  }
}
