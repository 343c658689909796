import type { Kafka, Message, ProducerRecord } from 'kafkajs';
import { EventPublisher, MAX_GROUP_BYTES } from './event-publisher';

/** A producer whose sends complete when the test says so. */
class FakeProducer {
  readonly sends: { record: ProducerRecord; settle: (error?: Error) => void }[] = [];
  send(record: ProducerRecord) {
    return new Promise<void>((resolve, reject) =>
      this.sends.push({ record, settle: (error) => (error ? reject(error) : resolve()) }),
    );
  }
}

const message = (id: string, bytes = 10): Message => ({ key: id, value: 'x'.repeat(bytes) });
const ids = (record: ProducerRecord) => record.messages.map((m) => m.key);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('EventPublisher: group commit', () => {
  let producer: FakeProducer;
  let publisher: EventPublisher;
  beforeEach(() => {
    producer = new FakeProducer();
    publisher = new EventPublisher({ producer: () => producer } as unknown as Pick<Kafka, 'producer'>);
  });

  it('sends at once when idle, and what arrives meanwhile together in the next send', async () => {
    const first = publisher.publish([message('a')]);
    const second = publisher.publish([message('b')]);
    const third = publisher.publish([message('c'), message('d')]);
    await tick();
    expect(producer.sends.map((s) => ids(s.record))).toEqual([['a']]);
    producer.sends[0].settle();
    await first;
    await tick();
    expect(producer.sends.map((s) => ids(s.record))).toEqual([['a'], ['b', 'c', 'd']]);
    expect(producer.sends[1].record).toMatchObject({ topic: 'orgpulse.events.v1', acks: -1 });
    producer.sends[1].settle();
    await Promise.all([second, third]);
  });

  it('a failed send fails exactly the requests in it', async () => {
    const first = publisher.publish([message('a')]);
    const second = publisher.publish([message('b')]);
    await tick();
    producer.sends[0].settle(new Error('broker away'));
    await expect(first).rejects.toThrow('broker away');
    await tick();
    producer.sends[1].settle();
    await expect(second).resolves.toBeUndefined();
  });

  it('keeps a group under the size cap, but never splits a request', async () => {
    const big = Math.floor(MAX_GROUP_BYTES / 2);
    const all = [
      publisher.publish([message('a')]),
      publisher.publish([message('b', big)]),
      publisher.publish([message('c', big)]),
      publisher.publish([message('d', MAX_GROUP_BYTES * 2)]),
    ];
    for (let i = 0; i < 4; i++) {
      await tick();
      producer.sends[i]?.settle();
    }
    await Promise.all(all);
    expect(producer.sends.map((s) => ids(s.record))).toEqual([['a'], ['b'], ['c'], ['d']]);
  });
});
