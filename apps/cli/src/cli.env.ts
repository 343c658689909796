import { commonEnv } from '@orgpulse/platform';

export const cliEnv = {
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  DATABASE_URL: commonEnv.DATABASE_URL,
  STARTUP_TIMEOUT_MS: commonEnv.STARTUP_TIMEOUT_MS,
  DATABASE_STATEMENT_TIMEOUT_MS: commonEnv.DATABASE_STATEMENT_TIMEOUT_MS,
};
