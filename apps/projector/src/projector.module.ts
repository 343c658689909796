import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@orgpulse/contracts';
import { describeTopicIdentity } from '@orgpulse/messaging';
import type { Logger } from '@orgpulse/platform';
import { HealthHttpController, KAFKA, LOGGER, type InjectedPart, ServiceTelemetry } from '@orgpulse/runtime';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DeadLetterRelay } from './dead-letters/dead-letter.relay';
import { ProjectBatchHandler } from './project-events/project-batch.handler';
import { ProjectEventsConsumer } from './project-events/project-events.consumer';
import { LagMonitor } from './progress/lag-monitor';
import { ProjectionProgress } from './progress/projection-progress';
import type { ProjectorConfig } from './projector.env';

/** Projects events into the event store and the read models (contract §3-5). */
@Module({})
export class ProjectorModule {
  /** The relay and the lag monitor run before consuming starts; at shutdown the batch in flight ends first. */
  static readonly parts: InjectedPart[] = [
    { name: 'dead-letter relay', token: DeadLetterRelay },
    { name: 'lag monitor', token: LagMonitor },
    { name: 'consumer', token: ProjectEventsConsumer },
  ];

  static with(config: ProjectorConfig): DynamicModule {
    const groupId = config.PROJECTOR_GROUP_ID;
    return {
      module: ProjectorModule,
      controllers: [HealthHttpController],
      providers: [
        {
          provide: ProjectionProgress,
          inject: [ServiceTelemetry],
          useFactory: (telemetry: ServiceTelemetry) => {
            const progress = new ProjectionProgress({
              stuckAfterMs: config.PROJECTOR_STUCK_AFTER_MS,
              revealErrors: config.NODE_ENV !== 'production',
            });
            telemetry.metrics.adopt(progress.registry);
            telemetry.metrics.beforeScrape(() => progress.refreshGauges());
            telemetry.readiness.addProblems(() => progress.problems());
            telemetry.readiness.addDetails('projection', () => progress.snapshot());
            return progress;
          },
        },
        {
          provide: DeadLetterRelay,
          inject: [KAFKA, DataSource, LOGGER],
          useFactory: (kafka: Kafka, db: DataSource, logger: Logger) =>
            new DeadLetterRelay(
              kafka,
              db,
              { pollMs: 1_000, takeoverGraceMs: config.PROJECTOR_DEAD_LETTER_GRACE_MS },
              logger,
            ),
        },
        {
          provide: ProjectBatchHandler,
          inject: [DataSource, ProjectionProgress],
          useFactory: (db: DataSource, progress: ProjectionProgress) =>
            new ProjectBatchHandler(db, groupId, progress),
        },
        {
          provide: ProjectEventsConsumer,
          inject: [KAFKA, ProjectBatchHandler, ProjectionProgress, LOGGER, ServiceTelemetry],
          useFactory: (
            kafka: Kafka,
            handler: ProjectBatchHandler,
            progress: ProjectionProgress,
            logger: Logger,
            telemetry: ServiceTelemetry,
          ) =>
            new ProjectEventsConsumer(
              kafka,
              {
                groupId,
                concurrency: config.KAFKA_TOPIC_PARTITIONS,
                sessionTimeoutMs: config.PROJECTOR_SESSION_TIMEOUT_MS,
                identify: () => describeTopicIdentity(config.KAFKA_BROKERS, Topics.events),
                traced: telemetry.tracing.enabled,
              },
              handler,
              progress,
              logger,
            ),
        },
        {
          provide: LagMonitor,
          inject: [KAFKA, DataSource, ProjectionProgress, LOGGER],
          useFactory: (kafka: Kafka, db: DataSource, progress: ProjectionProgress, logger: Logger) =>
            new LagMonitor(kafka, db, groupId, progress, logger),
        },
      ],
    };
  }
}
