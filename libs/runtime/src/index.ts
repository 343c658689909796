export * from './bounded-body';
export * from './connect-service';
export * from './serve-app';
export * from './service-telemetry';
