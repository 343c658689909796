import { commonEnv, env, httpEnv } from '@orgpulse/platform';

export const projectorEnv = {
  ...commonEnv,
  ...httpEnv,
  PROJECTOR_PORT: env.port(3002),
  PROJECTOR_GROUP_ID: env.string('orgpulse-projector'),
  // how long the group waits for a silent instance (one killed without leaving) before rebalancing
  PROJECTOR_SESSION_TIMEOUT_MS: env.int(30_000, 6_000, 300_000),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
};
