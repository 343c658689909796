export * from './bounded-body';
export * from './connect-service';
export * from './health.http.controller';
export * from './serve-app';
export * from './service-telemetry';
