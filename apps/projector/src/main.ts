import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topics } from '@orgpulse/contracts';
import { EVENT_TOPIC_CONFIG, describeTopicIdentity } from '@orgpulse/messaging';
import { upgradeReadModels } from '@orgpulse/persistence';
import { NestPinoLogger, loadEnv, runService } from '@orgpulse/platform';
import { composeService, connectService, partOf, serveApp } from '@orgpulse/runtime';
import { DeadLetterRelay } from './dead-letters/dead-letter.relay';
import { ProjectBatchHandler } from './project-events/project-batch.handler';
import { ProjectEventsConsumer } from './project-events/project-events.consumer';
import { LagMonitor } from './progress/lag-monitor';
import { ProjectionProgress } from './progress/projection-progress';
import { projectorEnv } from './projector.env';
import { ProjectorModule } from './projector.module';

runService('orgpulse-projector', async () => {
  const config = loadEnv(projectorEnv);
  const eventTopic = { numPartitions: config.KAFKA_TOPIC_PARTITIONS, config: EVENT_TOPIC_CONFIG };
  const { logger, db, kafka, kafkaHealth, telemetry } = await connectService('projector', config, {
    topics: [
      { topic: Topics.events, ...eventTopic },
      { topic: Topics.eventsDeadLetter, ...eventTopic },
    ],
  });

  // A changed fold (a read model's version moved) is rebuilt from the event store before consuming.
  const upgrade = await upgradeReadModels(db, (stale) =>
    logger.warn(
      { stale },
      'read models were folded by another version: rebuilding them from the event store',
    ),
  );
  if (upgrade.rebuilt) logger.info({ ...upgrade.rebuilt }, 'read models rebuilt');

  const groupId = config.PROJECTOR_GROUP_ID;
  const progress = new ProjectionProgress({
    stuckAfterMs: config.PROJECTOR_STUCK_AFTER_MS,
    revealErrors: config.NODE_ENV !== 'production',
  });
  telemetry.metrics.adopt(progress.registry);
  telemetry.metrics.beforeScrape(() => progress.refreshGauges());
  telemetry.readiness.addProblems(() => progress.problems());
  telemetry.readiness.addDetails('projection', () => progress.snapshot());
  const deadLetterRelay = new DeadLetterRelay(
    kafka,
    db,
    { pollMs: 1_000, takeoverGraceMs: config.PROJECTOR_DEAD_LETTER_GRACE_MS },
    logger,
  );
  const consumer = new ProjectEventsConsumer(
    kafka,
    {
      groupId,
      concurrency: config.KAFKA_TOPIC_PARTITIONS,
      sessionTimeoutMs: config.PROJECTOR_SESSION_TIMEOUT_MS,
      identify: () => describeTopicIdentity(config.KAFKA_BROKERS, Topics.events),
      traced: telemetry.tracing.enabled,
    },
    new ProjectBatchHandler(db, groupId, progress),
    progress,
    logger,
  );
  const lagMonitor = new LagMonitor(kafka, db, groupId, progress, logger);

  const app = await NestFactory.create<NestFastifyApplication>(
    composeService(
      { module: ProjectorModule },
      {
        connections: { db, kafkaHealth, telemetry, logger },
        // the relay and the lag monitor run before consuming starts; the batch in flight finishes first at shutdown
        parts: [
          partOf('dead-letter relay', deadLetterRelay),
          partOf('lag monitor', lagMonitor),
          partOf('consumer', consumer),
        ],
      },
    ),
    new FastifyAdapter(),
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  await serveApp(app, {
    service: 'projector',
    port: config.PROJECTOR_PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
    telemetry,
  });
});
