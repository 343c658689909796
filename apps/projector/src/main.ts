import 'reflect-metadata';
import { Topics } from '@orgpulse/contracts';
import { EVENT_TOPIC_CONFIG } from '@orgpulse/messaging';
import { upgradeReadModels } from '@orgpulse/persistence';
import { loadEnv, runService } from '@orgpulse/platform';
import { connectService, serveService } from '@orgpulse/runtime';
import { projectorEnv } from './projector.env';
import { ProjectorModule } from './projector.module';

runService('orgpulse-projector', async () => {
  const config = loadEnv(projectorEnv);
  const eventTopic = { numPartitions: config.KAFKA_TOPIC_PARTITIONS, config: EVENT_TOPIC_CONFIG };
  const connections = await connectService('projector', config, {
    topics: [
      { topic: Topics.events, ...eventTopic },
      { topic: Topics.eventsDeadLetter, ...eventTopic },
    ],
  });

  const { logger, db } = connections;

  // A changed fold (a read model's version moved) is rebuilt from the event store before consuming.
  const upgrade = await upgradeReadModels(db, (stale) =>
    logger.warn(
      { stale },
      'read models were folded by another version: rebuilding them from the event store',
    ),
  );
  if (upgrade.rebuilt) logger.info({ ...upgrade.rebuilt }, 'read models rebuilt');

  await serveService(
    ProjectorModule.with(config),
    { connections, injectedParts: ProjectorModule.parts },
    { service: 'projector', port: config.PROJECTOR_PORT, config },
  );
});
