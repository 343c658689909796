import { type EnvOf, commonEnv, env, httpEnv } from '@orgpulse/platform';

export const projectorEnv = {
  ...commonEnv,
  ...httpEnv,
  PROJECTOR_PORT: env.port(3002),
  PROJECTOR_GROUP_ID: env.string('orgpulse-projector'),
  // how long the group waits for a silent instance (one killed without leaving) before rebalancing
  PROJECTOR_SESSION_TIMEOUT_MS: env.int(30_000, 6_000, 300_000),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  // how long batches may keep failing, or records wait on a partition that does not move, before /health is 503
  PROJECTOR_STUCK_AFTER_MS: env.int(60_000, 1_000, 3_600_000),
  // how long a relay that takes over waits for its predecessor's last send before it reconciles
  PROJECTOR_DEAD_LETTER_GRACE_MS: env.int(30_000, 0, 600_000),
};

export type ProjectorConfig = EnvOf<typeof projectorEnv>;
