export * from './auth/bearer-token';
export * from './config/common.env';
export * from './config/env-schema';
export * from './health/health-report';
export * from './logging/logger';
export * from './startup/run-service';
export * from './startup/shutdown-deadline';
export * from './startup/startup-errors';
