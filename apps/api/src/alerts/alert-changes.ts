import { type AlertChanged, Topics, alertChangeOf } from '@orgpulse/contracts';
import { createKafka } from '@orgpulse/messaging';
import { type Logger, describeError } from '@orgpulse/platform';
import { PubSub } from 'graphql-subscriptions';
import type { Consumer } from 'kafkajs';
import { hostname } from 'node:os';

export const ALERT_CHANGED = 'alertChanged';

/**
 * Feeds the alertChanged subscription from orgpulse.alerts.v1. Each API instance reads the topic
 * in a group of its own from the latest offset: every instance sees every change for its clients.
 */
export class AlertChanges {
  readonly pubsub = new PubSub<{ [ALERT_CHANGED]: AlertChanged }>();
  private readonly consumer: Consumer;

  constructor(
    brokers: string[],
    private readonly logger: Logger,
  ) {
    const kafka = createKafka({ brokers, clientId: 'orgpulse-api-alerts', logger });
    this.consumer = kafka.consumer({
      groupId: `orgpulse-api-${hostname()}-${process.pid}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: Topics.alerts, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        try {
          const change = alertChangeOf(JSON.parse(message.value?.toString() ?? ''));
          if (change === undefined) {
            this.logger.warn(
              { offset: message.offset },
              'ignored an alert record that is not an alert change',
            );
            return;
          }
          await this.pubsub.publish(ALERT_CHANGED, change);
        } catch (error) {
          this.logger.warn(
            { err: describeError(error), offset: message.offset },
            'ignored an unreadable alert record',
          );
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
