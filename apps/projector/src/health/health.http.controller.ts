import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ReadinessMonitor, healthHttpStatus, healthReportOf, withoutDetails } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { ProjectionProgress } from '../progress/projection-progress';

@Controller()
export class HealthHttpController {
  constructor(
    @Inject(ReadinessMonitor) private readonly readiness: ReadinessMonitor,
    @Inject(ProjectionProgress) private readonly progress: ProjectionProgress,
  ) {}

  /**
   * 503 when a dependency is down, and also when projection is stuck although both answer. Dependencies
   * from the latest background checks: batches load PostgreSQL, and /health must not wait behind them.
   */
  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const problems = this.progress.problems();
    const reveal = this.progress.revealErrors;
    const report = healthReportOf(
      this.readiness.dependencies(),
      reveal ? problems : withoutDetails(problems),
    );
    await reply.status(healthHttpStatus(report)).send({ ...report, projection: this.progress.snapshot() });
  }
}
