export * from './events/event-publisher';
export * from './events/event-record';
export * from './kafka/connect-kafka';
export * from './kafka/ensure-topics';
export * from './kafka/kafka-client';
export * from './kafka/kafka-health';
export * from './kafka/topic-durability';
export * from './kafka/topic-identity';
