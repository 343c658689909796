import { webhookAllowCidrsVariable } from '@orgpulse/domain';
import { type EnvOf, commonEnv, env, httpEnv, secretsKeyVariable } from '@orgpulse/platform';

export const alerterEnv = {
  ...commonEnv,
  ...httpEnv,
  ALERTER_PORT: env.port(3003),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  // rounds look for due work at least this often (besides the projector's notices and the next due time)
  ALERTER_INTERVAL_MS: env.int(5_000, 500, 60_000),
  // changes noticed within this long of a round's start are judged together in the next round (alerts are
  // due within 60 s: a quarter second is nothing to them, and spares a round per projector commit)
  ALERTER_CHANGE_GAP_MS: env.int(250, 0, 10_000),
  // rules and subjects judged per round (one transaction); more rounds follow while work is due
  ALERTER_ROUND_SIZE: env.int(500, 1, 10_000),
  // of which bulk work (old events settled, sweeps) at most (a fifth while live work flows), each such round
  // followed by a pause (see alert-scheduler.ts)
  ALERTER_BULK_ROUND_SIZE: env.int(100, 1, 10_000),
  // every channel retries until delivered: backoff doubles from the base up to the cap
  ALERTER_RETRY_BASE_MS: env.int(1_000, 10, 600_000),
  ALERTER_RETRY_MAX_MS: env.int(300_000, 1_000, 86_400_000),
  // a webhook's whole request: name lookup, connect, the answer's status line and headers
  ALERTER_WEBHOOK_TIMEOUT_MS: env.int(10_000, 100, 120_000),
  // webhook requests in flight per alerter instance, and per webhook across instances
  ALERTER_DELIVERY_CONCURRENCY: env.int(50, 1, 1_000),
  ALERTER_WEBHOOK_CONCURRENCY: env.int(2, 1, 50),
  // Kafka deliveries per send (one send in flight per instance): a sweep's thousands of alerts in few claims;
  // at most 500 records of about a kilobyte, so that one partition's batch stays under the broker's 1 MiB
  ALERTER_KAFKA_BATCH: env.int(500, 1, 500),
  // private addresses webhooks may reach (self-hosted receivers); none by default
  ALERTER_WEBHOOK_ALLOW_CIDRS: webhookAllowCidrsVariable,
  // how long without a completed evaluation round, or a due delivery left unattempted, before /health is 503
  ALERTER_STUCK_AFTER_MS: env.int(120_000, 1_000, 3_600_000),
  // opens the webhooks' sealed signing secrets; the same key as the API's
  ORGPULSE_SECRETS_KEY: secretsKeyVariable,
};

export type AlerterConfig = EnvOf<typeof alerterEnv>;
