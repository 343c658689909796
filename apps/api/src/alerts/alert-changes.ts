import { ORG_HEADER, type AlertChanged, Topics, alertChangeOf } from '@orgpulse/contracts';
import { createKafka } from '@orgpulse/messaging';
import { type Logger, describeError } from '@orgpulse/platform';
import { PubSub } from 'graphql-subscriptions';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { hostname } from 'node:os';
import { Counter, Registry } from 'prom-client';

const ALERT_CHANGED = 'alertChanged';

/**
 * The org a record's header names, or undefined: records of an older alerter carry none, and a header
 * that is null or repeated (Kafka allows both) names no one org. Those are read as before.
 */
export function orgOfHeaders(headers: KafkaMessage['headers']): string | undefined {
  const org = headers?.[ORG_HEADER];
  return Buffer.isBuffer(org) || typeof org === 'string' ? org.toString() : undefined;
}

type Outcome = 'published' | 'unwatched' | 'unreadable';

/**
 * Feeds the alertChanged subscription from orgpulse.alerts.v1. Each API instance reads the topic
 * in a group of its own from the latest offset: every instance sees every change for its clients.
 * A record whose org (its header) no client of this instance watches is passed over unparsed: a large
 * org's sweep (200,000 alerts) cost every instance 76 µs of CPU a record with no one to tell.
 */
export class AlertChanges {
  private readonly pubsub = new PubSub<{ [ALERT_CHANGED]: AlertChanged }>();
  readonly registry = new Registry();
  private readonly consumer: Consumer;
  /** Open subscriptions per org on this instance. */
  private readonly watchers = new Map<string, number>();
  private readonly records = new Counter<'outcome'>({
    name: 'orgpulse_api_alert_records_total',
    help: 'orgpulse.alerts.v1 records this instance read: published to subscriptions, passed over unparsed (no subscription of their org here), unreadable (logged at warn)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

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
    for (const outcome of ['published', 'unwatched', 'unreadable'] as const) this.records.inc({ outcome }, 0);
  }

  /** The org's alert changes from now on, for one subscription: the org counts as watched until it ends. */
  changesOf(orgId: string): AsyncIterableIterator<AlertChanged> {
    const changes = this.pubsub.asyncIterableIterator<AlertChanged>(ALERT_CHANGED);
    this.watchers.set(orgId, (this.watchers.get(orgId) ?? 0) + 1);
    let open = true;
    const unwatch = () => {
      if (!open) return;
      open = false;
      const left = (this.watchers.get(orgId) ?? 1) - 1;
      if (left > 0) this.watchers.set(orgId, left);
      else this.watchers.delete(orgId);
    };
    return {
      next: () => changes.next(),
      return: async () => {
        unwatch();
        return changes.return();
      },
      throw: async (error: unknown) => {
        unwatch();
        return changes.throw(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: Topics.alerts, fromBeginning: false });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.records.inc({ outcome: await this.read(message) });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async read(message: KafkaMessage): Promise<Outcome> {
    const org = orgOfHeaders(message.headers);
    if (org !== undefined && !this.watchers.has(org)) return 'unwatched';
    try {
      const change = alertChangeOf(JSON.parse(message.value?.toString() ?? ''));
      if (change === undefined) {
        this.logger.warn({ offset: message.offset }, 'ignored an alert record that is not an alert change');
        return 'unreadable';
      }
      await this.pubsub.publish(ALERT_CHANGED, change);
      return 'published';
    } catch (error) {
      this.logger.warn(
        { err: describeError(error), offset: message.offset },
        'ignored an unreadable alert record',
      );
      return 'unreadable';
    }
  }
}
