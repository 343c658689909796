import { webhookAllowCidrsVariable } from '@orgpulse/domain';
import { commonEnv, env, httpEnv, secretsKeyVariable } from '@orgpulse/platform';

export const apiEnv = {
  ...commonEnv,
  ...httpEnv,
  API_PORT: env.port(3000),
  // how long an org's dashboard result may be served to other requests (0: never cached)
  API_RESULT_CACHE_MS: env.int(2_000, 0, 60_000),
  // what the API's caches (results, read-model snapshots, org sizes) may hold in all
  API_CACHE_MAX_BYTES: env.int(32 * 1024 * 1024, 1024 * 1024, 4 * 1024 * 1024 * 1024),
  // an accepted query still running this long is ended with QUERY_LIMIT_EXCEEDED (contract §12)
  API_QUERY_DEADLINE_MS: env.int(10_000, 100, 600_000),
  // an answer growing past this many bytes is ended with QUERY_LIMIT_EXCEEDED (contract §12)
  API_MAX_RESPONSE_BYTES: env.int(8 * 1024 * 1024, 1024, 256 * 1024 * 1024),
  // GraphQL introspection and field suggestions; auto: off with NODE_ENV=production
  API_INTROSPECTION: env.oneOf(['auto', 'on', 'off'], 'auto'),
  // a token seen recently is served from memory; revoking it drops it at once (NOTIFY)
  API_TOKEN_CACHE_MS: env.int(60_000, 0, 3_600_000),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  // private addresses webhooks may be registered for (read by the alerter too)
  ALERTER_WEBHOOK_ALLOW_CIDRS: webhookAllowCidrsVariable,
  // encrypts integration secrets at rest (the ingest app decrypts them with the same key)
  ORGPULSE_SECRETS_KEY: secretsKeyVariable,
};
