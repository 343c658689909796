import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ReadinessMonitor, healthHttpStatus } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';

/**
 * Every service's `GET /health`: its dependencies and its stuck work (503 for either), answered from the
 * readiness monitor's memory (checks on a timer of their own, each on a connection of its own), so a probe
 * never waits behind the work that loads PostgreSQL or Kafka.
 */
@Controller()
export class HealthHttpController {
  constructor(@Inject(ReadinessMonitor) private readonly readiness: ReadinessMonitor) {}

  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const health = this.readiness.health();
    await reply.code(healthHttpStatus(health)).send(health);
  }
}
