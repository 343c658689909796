export * from './bounded-body';
export * from './compose-service';
export * from './connect-service';
export * from './health.http.controller';
export * from './serve-app';
export * from './service-lifecycle';
export * from './service-telemetry';
export * from './service.module';
