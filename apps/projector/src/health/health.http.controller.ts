import { Controller, Get, Inject, Res } from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { healthHttpStatus, serviceHealth, withoutDetails } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { ProjectionProgress } from '../progress/projection-progress';

@Controller()
export class HealthHttpController {
  constructor(
    @Inject(KafkaHealthProbe) private readonly kafka: KafkaHealthProbe,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ProjectionProgress) private readonly progress: ProjectionProgress,
  ) {}

  /** 503 when a dependency is down, and also when projection is stuck although both answer. */
  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const problems = this.progress.problems();
    const reveal = this.progress.revealErrors;
    const report = await serviceHealth(this.kafka, this.db, reveal ? problems : withoutDetails(problems));
    await reply.status(healthHttpStatus(report)).send({ ...report, projection: this.progress.snapshot() });
  }
}
