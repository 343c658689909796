import { commonEnv, env, httpEnv } from '@orgpulse/platform';

export const apiEnv = {
  ...commonEnv,
  ...httpEnv,
  API_PORT: env.port(3000),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
};
