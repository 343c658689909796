import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ReadinessMonitor, healthHttpStatus, healthReportOf } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';

@Controller('health')
export class HealthHttpController {
  constructor(@Inject(ReadinessMonitor) private readonly readiness: ReadinessMonitor) {}

  /**
   * Answered from the latest background checks (at most a few seconds old), each on a connection of its
   * own: a pool taken by heavy requests is not a database that is down, and /health must not wait behind it.
   */
  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const report = healthReportOf(this.readiness.dependencies());
    await reply.code(healthHttpStatus(report)).send(report);
  }
}
