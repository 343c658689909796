export * from './connect-service';
export * from './serve-app';
