import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { healthHttpStatus, serviceHealth, withoutDetails } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { AlerterProgress, NO_BACKLOG } from './alerter-progress';
import { OutboxBacklog } from './outbox-backlog';

@Controller()
export class HealthHttpController {
  constructor(
    @Inject(KafkaHealthProbe) private readonly kafka: KafkaHealthProbe,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(AlerterProgress) private readonly progress: AlerterProgress,
    @Inject(OutboxBacklog) private readonly outbox: OutboxBacklog,
  ) {}

  /** 503 when a dependency is down, and also when evaluation or delivery is stuck although both answer. */
  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const backlog = await this.outbox.read();
    const problems = backlog ? this.progress.problems(backlog) : [];
    const report = await serviceHealth(
      this.kafka,
      this.db,
      this.progress.revealErrors ? problems : withoutDetails(problems),
    );
    await reply.status(healthHttpStatus(report)).send(report);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return this.progress.metrics((await this.outbox.read()) ?? NO_BACKLOG);
  }
}
