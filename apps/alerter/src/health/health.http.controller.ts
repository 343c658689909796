import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ReadinessMonitor, healthHttpStatus, healthReportOf, withoutDetails } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { AlerterProgress } from './alerter-progress';
import { OutboxBacklog } from './outbox-backlog';

@Controller()
export class HealthHttpController {
  constructor(
    @Inject(ReadinessMonitor) private readonly readiness: ReadinessMonitor,
    @Inject(AlerterProgress) private readonly progress: AlerterProgress,
    @Inject(OutboxBacklog) private readonly outbox: OutboxBacklog,
  ) {}

  /**
   * 503 when a dependency is down, and also when evaluation or delivery is stuck although both answer.
   * Answered from the latest background checks (at most a few seconds old): evaluation and delivery
   * load PostgreSQL, and /health must not wait behind them.
   */
  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const backlog = this.outbox.latest();
    const problems = backlog ? this.progress.problems(backlog) : [];
    const report = healthReportOf(
      this.readiness.dependencies(),
      this.progress.revealErrors ? problems : withoutDetails(problems),
    );
    await reply.status(healthHttpStatus(report)).send(report);
  }
}
