import { randomUUID } from 'node:crypto';
import {
  ORG_HEADER,
  type AlertChanged,
  CLOUDEVENTS_JSON,
  Topics,
  toAlertCloudEvent,
} from '@orgpulse/contracts';
import { ensureTopics } from '@orgpulse/messaging';
import { createLogger } from '@orgpulse/platform';
import { testEnvironment } from '@orgpulse/testing';
import { Kafka, type Producer, logLevel } from 'kafkajs';
import { AlertChanges } from './alert-changes';

const change = (orgId: string, id: string): AlertChanged => ({
  type: 'alert.raised',
  version: 1,
  alert: {
    id,
    orgId,
    rule: 'TEAM_IDLE',
    subjectId: 't1',
    status: 'OPEN',
    raisedAt: '2026-12-01T00:00:00.000Z',
    resolvedAt: null,
    figures: {},
  },
});

/** AlertChanges on real Kafka: records of orgs no subscription watches are passed over unparsed. */
describe('alert changes: each instance reads only the orgs its clients watch', () => {
  const brokers = testEnvironment().kafkaBrokers.split(',');
  const changes = new AlertChanges(brokers, createLogger('api-test', 'silent'));
  let producer: Producer;
  // one key: every record on one partition, read in the order sent
  const key = randomUUID();
  /** `org`: the org header's value (repeated when an array); none when undefined. */
  const send = (records: { org?: string | string[]; value: string }[]) =>
    producer.send({
      topic: Topics.alerts,
      acks: -1,
      messages: records.map(({ org, value }) => ({
        key,
        value,
        headers: {
          'content-type': CLOUDEVENTS_JSON,
          ...(org === undefined ? {} : { [ORG_HEADER]: org }),
        },
      })),
    });
  const cloudEvent = (orgId: string, id: string, header = true) => ({
    ...(header ? { org: orgId } : {}),
    value: JSON.stringify(toAlertCloudEvent(change(orgId, id))),
  });
  const counted = async (): Promise<Record<string, number>> => {
    const metric = await changes.registry.getSingleMetric('orgpulse_api_alert_records_total')!.get();
    return Object.fromEntries(
      metric.values.map((v): [string, number] => [String(v.labels.outcome), v.value]),
    );
  };
  /** The next change the iterator yields other than the readiness probes. */
  const nextOf = async (iterator: AsyncIterableIterator<AlertChanged>): Promise<AlertChanged> => {
    for (;;) {
      const { value } = (await iterator.next()) as IteratorYieldResult<AlertChanged>;
      if (!value.alert.id.startsWith('probe')) return value;
    }
  };
  /** Sends probes of the org until one arrives: the consumer has joined and reads from the latest offset. */
  const ready = async (orgId: string, iterator: AsyncIterableIterator<AlertChanged>) => {
    let arrived = false;
    const first = iterator.next().then(() => (arrived = true));
    while (!arrived) {
      await send([cloudEvent(orgId, `probe-${randomUUID()}`)]);
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
  };

  beforeAll(async () => {
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [{ topic: Topics.alerts, numPartitions: 1 }]);
    producer = kafka.producer();
    await producer.connect();
    await changes.start();
  }, 60_000);
  afterAll(async () => {
    await producer.disconnect();
    await changes.stop();
  });

  it('publishes the watched org and records without the header, passes over the others, and stops watching when a subscription ends', async () => {
    const [watched, other, legacy, later] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const subscription = changes.changesOf(watched);
    await ready(watched, subscription);
    const before = await counted();

    await send([
      cloudEvent(other, 'o1'),
      cloudEvent(watched, 'w1'),
      cloudEvent(other, 'o2'),
      // an older alerter's record: no org header, so it is read as before
      cloudEvent(legacy, 'l1', false),
      { org: other, value: 'not json' },
      // a watched org's unreadable record is logged and counted, and the next ones still arrive
      { org: watched, value: 'not json' },
      // a repeated header names no org: read as without one (a null one too: orgOfHeaders' test)
      { org: [other, other], value: cloudEvent(other, 'r1').value },
      cloudEvent(watched, 'w2'),
    ]);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push((await nextOf(subscription)).alert.id);
    expect(seen).toEqual(['w1', 'l1', 'r1', 'w2']);
    const after = await counted();
    // other tests' records on the topic can add to the counts, never take from them
    expect(after.unwatched - before.unwatched).toBeGreaterThanOrEqual(3);
    expect(after.published - before.published).toBeGreaterThanOrEqual(4);
    expect(after.unreadable - before.unreadable).toBeGreaterThanOrEqual(1);

    await subscription.return!();
    const next = changes.changesOf(later);
    await ready(later, next);
    await send([cloudEvent(watched, 'w3'), cloudEvent(later, 'x1')]);
    expect((await nextOf(next)).alert.id).toBe('x1');
    await next.return!();
  }, 60_000);
});
