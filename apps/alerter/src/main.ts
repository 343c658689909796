import 'reflect-metadata';
import { Topics } from '@orgpulse/contracts';
import { WebhooksRepository } from '@orgpulse/persistence';
import { SecretBox, loadEnv, runService } from '@orgpulse/platform';
import { connectService, serveService } from '@orgpulse/runtime';
import { alerterEnv } from './alerter.env';
import { AlerterModule } from './alerter.module';

runService('orgpulse-alerter', async () => {
  const config = loadEnv(alerterEnv);
  const connections = await connectService('alerter', config, {
    topics: [{ topic: Topics.alerts, numPartitions: config.KAFKA_TOPIC_PARTITIONS }],
  });
  const { logger, db } = connections;
  const secrets = new SecretBox(config.ORGPULSE_SECRETS_KEY);
  const sealed = await new WebhooksRepository(db, secrets).sealClearSecrets();
  if (sealed > 0)
    logger.info({ webhooks: sealed }, 'sealed webhook secrets an older release stored in clear');
  await serveService(
    AlerterModule.with(config, secrets),
    { connections, injectedParts: AlerterModule.parts },
    { service: 'alerter', port: config.ALERTER_PORT, config },
  );
});
