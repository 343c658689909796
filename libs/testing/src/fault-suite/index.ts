export * from './client-ledger';
export * from './dead-letters';
export * from './load-generator';
export * from './mixed-event-stream';
export * from './poison-records';
export * from './read-models-versus-rebuild';
export * from './reconciliation';
export * from './whole-topic';
