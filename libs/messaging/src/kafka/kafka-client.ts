import { type Logger } from '@orgpulse/platform';
import { Kafka, type KafkaConfig, logLevel, type logCreator } from 'kafkajs';
import { stopIdleRequestQueueTimers } from './request-queue-timer';

// kafkajs stays behind this module (it is unmaintained upstream): swapping the client touches libs/messaging only.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const idleTimersStopped = stopIdleRequestQueueTimers();
let idleTimersReported = false;

const toPinoLevel = (level: logLevel): 'error' | 'warn' | 'info' | 'debug' =>
  level === logLevel.ERROR || level === logLevel.NOTHING
    ? 'error'
    : level === logLevel.WARN
      ? 'warn'
      : level === logLevel.INFO
        ? 'info'
        : 'debug';

const pinoLogCreator =
  (logger: Logger): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
    logger[toPinoLevel(level)]({ kafka: namespace, ...extra }, message);
  };

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Quiet clients (boot probes, health checks) log nothing of their own. */
  quiet?: boolean;
  connectionTimeoutMs?: number;
  retry?: KafkaConfig['retry'];
}

export function createKafka(options: KafkaOptions): Kafka {
  if (!idleTimersStopped && !idleTimersReported) {
    idleTimersReported = true;
    options.logger.warn(
      'kafkajs is not the version whose idle request-queue timer loop is stopped: every broker connection may wake each millisecond',
    );
  }
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: 10_000,
    retry: options.retry ?? { initialRetryTime: 200, retries: 5 },
    logLevel: options.quiet ? logLevel.NOTHING : logLevel.WARN,
    logCreator: pinoLogCreator(options.logger),
  });
}
