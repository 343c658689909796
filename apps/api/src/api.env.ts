import { webhookAllowCidrsVariable } from '@orgpulse/domain';
import { commonEnv, env, httpEnv, secretsKeyVariable } from '@orgpulse/platform';

export const apiEnv = {
  ...commonEnv,
  ...httpEnv,
  API_PORT: env.port(3000),
  // how long an org's dashboard result may be served to other requests (0: never cached)
  API_RESULT_CACHE_MS: env.int(2_000, 0, 60_000),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  // private addresses webhooks may be registered for (read by the alerter too)
  ALERTER_WEBHOOK_ALLOW_CIDRS: webhookAllowCidrsVariable,
  // encrypts integration secrets at rest (the ingest app decrypts them with the same key)
  ORGPULSE_SECRETS_KEY: secretsKeyVariable,
};
