import type { Kafka, Message, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';
import {
  EventPublisher,
  MAX_GROUP_BYTES,
  type PublisherLimits,
  PublishRefusedError,
} from './event-publisher';

/**
 * A producer whose sends complete when the test says so (or never: a Kafka that does not answer). Like
 * kafkajs, it asks the producer's partitioner where each record goes (one partition here), and answers
 * for that partition.
 */
class FakeProducer {
  readonly sends: { record: ProducerRecord; settle: (error?: Error) => void }[] = [];
  private readonly partition: (message: Message) => number;

  constructor(config: ProducerConfig = {}) {
    const partitioner = config.createPartitioner?.() ?? (() => 0);
    const partitionMetadata = [
      { partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 },
    ];
    this.partition = (message) => partitioner({ topic: 'any', partitionMetadata, message });
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }

  send(record: ProducerRecord) {
    const partitions = [...new Set(record.messages.map(this.partition))];
    return new Promise<RecordMetadata[]>((resolve, reject) =>
      this.sends.push({
        record,
        settle: (error) =>
          error
            ? reject(error)
            : resolve(partitions.map((partition) => ({ topicName: record.topic, partition, errorCode: 0 }))),
      }),
    );
  }
}

const message = (id: string, bytes = 10): Message => ({ key: id, value: 'x'.repeat(bytes - id.length) });
const ids = (record: ProducerRecord) => record.messages.map((m) => m.key);
const tick = () => new Promise((resolve) => setImmediate(resolve));
/** How a publish ended, without letting a rejection go unhandled meanwhile. */
const outcome = (publishing: Promise<void>) => {
  const result: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  publishing.then(
    () => (result.state = 'resolved'),
    (error: unknown) => Object.assign(result, { state: 'rejected', error }),
  );
  return result;
};

function setup(limits: Partial<PublisherLimits> = {}) {
  // every producer made, the first and any renewed after a failed send
  const made: FakeProducer[] = [];
  const publisher = new EventPublisher(
    {
      producer: (config: ProducerConfig) => {
        made.push(new FakeProducer(config));
        return made[made.length - 1];
      },
    } as unknown as Pick<Kafka, 'producer'>,
    limits,
  );
  return { producer: made[0], made, publisher };
}

describe('EventPublisher: group commit', () => {
  it('sends at once when idle, and what arrives meanwhile together in the next send', async () => {
    const { producer, publisher } = setup();
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
    const { made, publisher } = setup();
    const first = publisher.publish([message('a')]);
    const second = publisher.publish([message('b')]);
    await tick();
    made[0].sends[0].settle(new Error('broker away'));
    await expect(first).rejects.toThrow('broker away');
    await tick();
    // through a new producer: the failed send's sequence numbers are not used again
    expect(made).toHaveLength(2);
    made[1].sends[0].settle();
    await expect(second).resolves.toBeUndefined();
  });

  it('keeps a group under the size cap, but never splits a request', async () => {
    const { producer, publisher } = setup({ maxPendingBytes: 4 * MAX_GROUP_BYTES });
    const big = Math.floor(MAX_GROUP_BYTES / 2) + 1;
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

  it('counts bytes, not characters', async () => {
    const { producer, publisher } = setup();
    const publishing = publisher.publish([{ key: 'k', value: 'é'.repeat(100) }]);
    expect(publisher.backlog).toEqual({ bytes: 201, requests: 1 });
    await tick();
    producer.sends[0].settle();
    await publishing;
  });
});

describe('EventPublisher: bounded backlog', () => {
  it.each<[string, Partial<PublisherLimits>, number[], ('admitted' | 'refused')[]]>([
    // [given limits, when requests of these sizes arrive while the first is in flight, then each is]
    [
      'a byte bound',
      { maxPendingBytes: 100 },
      [60, 30, 20, 10],
      ['admitted', 'admitted', 'refused', 'admitted'],
    ],
    ['a request bound', { maxPendingRequests: 2 }, [10, 10, 10], ['admitted', 'admitted', 'refused']],
    ['one request over the byte bound, alone', { maxPendingBytes: 100 }, [500, 10], ['admitted', 'refused']],
  ])('given %s, a request past it fails at once and is never sent', async (_given, limits, sizes, then) => {
    const { producer, publisher } = setup(limits);
    const results = sizes.map((bytes, i) => outcome(publisher.publish([message(`m${i}`, bytes)])));
    await tick();
    expect(results.map((r) => (r.state === 'rejected' ? 'refused' : 'admitted'))).toEqual(then);
    for (const r of results.filter((r) => r.state === 'rejected')) {
      expect(r.error).toEqual(
        expect.objectContaining({ name: 'PublishRefusedError', reason: 'backlog-full' }),
      );
    }
    producer.sends[0].settle();
    await tick();
    producer.sends[1]?.settle();
    await tick();
    const sent = producer.sends.flatMap((s) => ids(s.record));
    expect(sent).toEqual(sizes.map((_, i) => `m${i}`).filter((_, i) => then[i] === 'admitted'));
    expect(publisher.backlog).toEqual({ bytes: 0, requests: 0 });
  });

  it.each<[string, Partial<PublisherLimits>, number[], boolean]>([
    // [given limits, when requests of these sizes are pending, then the publisher is full]
    ['requests below the bound', { maxPendingRequests: 3 }, [10, 10], false],
    ['requests at the bound', { maxPendingRequests: 2 }, [10, 10], true],
    ['bytes below the bound', { maxPendingBytes: 100 }, [50, 40], false],
    ['bytes at the bound', { maxPendingBytes: 100 }, [60, 40], true],
  ])('given %s, says whether any request would be refused now', async (_given, limits, sizes, full) => {
    const { producer, publisher } = setup(limits);
    const all = sizes.map((bytes, i) => publisher.publish([message(`m${i}`, bytes)]));
    expect(publisher.full).toBe(full);
    await tick();
    producer.sends[0].settle();
    await tick();
    producer.sends[1]?.settle();
    await Promise.all(all);
    expect(publisher.full).toBe(false);
  });

  it('admits again once Kafka has answered', async () => {
    const { producer, publisher } = setup({ maxPendingRequests: 1 });
    const first = publisher.publish([message('a')]);
    await expect(publisher.publish([message('b')])).rejects.toBeInstanceOf(PublishRefusedError);
    await tick();
    producer.sends[0].settle();
    await first;
    const third = publisher.publish([message('c')]);
    await tick();
    producer.sends[1].settle();
    await expect(third).resolves.toBeUndefined();
  });
});

describe('EventPublisher: a deadline on every publish', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('fails a request still waiting at its deadline and never sends it; the others keep their order', async () => {
    const { producer, publisher } = setup({ timeoutMs: 1_000 });
    const a = outcome(publisher.publish([message('a')]));
    jest.advanceTimersByTime(600);
    const b = outcome(publisher.publish([message('b')]));
    jest.advanceTimersByTime(300);
    const c = outcome(publisher.publish([message('c')]));
    const d = outcome(publisher.publish([message('d')]));
    jest.advanceTimersByTime(800); // at 1700 ms: a (in flight) and b (waiting) are past their deadline
    await tick();
    expect([a.state, b.state, c.state, d.state]).toEqual(['rejected', 'rejected', 'pending', 'pending']);
    expect(b.error).toEqual(expect.objectContaining({ reason: 'deadline' }));
    expect(b.error).toEqual(expect.objectContaining({ message: expect.stringMatching(/within 1000 ms/) }));

    producer.sends[0].settle();
    await tick();
    expect(producer.sends.map((s) => ids(s.record))).toEqual([['a'], ['c', 'd']]);
    producer.sends[1].settle();
    await tick();
    expect([a.state, b.state, c.state, d.state]).toEqual(['rejected', 'rejected', 'resolved', 'resolved']);
  });

  it('a request that timed out in flight is never reported accepted, and its bytes count until Kafka answers', async () => {
    const { producer, publisher } = setup({ timeoutMs: 1_000 });
    const a = outcome(publisher.publish([message('a', 50)]));
    await tick();
    jest.advanceTimersByTime(1_000);
    await tick();
    expect(a.state).toBe('rejected');
    expect(publisher.backlog).toEqual({ bytes: 50, requests: 0 });
    producer.sends[0].settle(); // the send completes in the background after all
    await tick();
    expect(a.state).toBe('rejected');
    expect(publisher.backlog).toEqual({ bytes: 0, requests: 0 });
  });

  it('while Kafka does not answer, a stream of requests all fail and the backlog stays within its bounds', async () => {
    const limits = { timeoutMs: 1_000, maxPendingBytes: 10_000, maxPendingRequests: 50 };
    const { producer, publisher } = setup(limits);
    const results = [];
    let most = { bytes: 0, requests: 0 };
    for (let i = 0; i < 5_000; i++) {
      results.push(outcome(publisher.publish([message(`m${i}`, 100)])));
      if (i % 10 === 0) jest.advanceTimersByTime(20); // 500 requests a second
      const { bytes, requests } = publisher.backlog;
      most = { bytes: Math.max(most.bytes, bytes), requests: Math.max(most.requests, requests) };
    }
    jest.advanceTimersByTime(limits.timeoutMs);
    await tick();
    expect(most.bytes).toBeLessThanOrEqual(limits.maxPendingBytes);
    expect(most.requests).toBeLessThanOrEqual(limits.maxPendingRequests);
    expect(results.every((r) => r.state === 'rejected')).toBe(true);
    expect(producer.sends).toHaveLength(1); // only the first went out; it is still in flight
    expect(publisher.backlog).toEqual({ bytes: 100, requests: 0 });
  });
});

describe('EventPublisher: lanes', () => {
  it('sends on several producers side by side, each one send at a time, each request in one send', async () => {
    const { made: producers, publisher } = setup({ lanes: 2 });
    const a = publisher.publish([message('a1'), message('a2')]);
    await tick();
    const b = publisher.publish([message('b')]);
    await tick();
    const c = publisher.publish([message('c')]);
    await tick();
    // both lanes busy: c waits for the first that answers
    expect(producers.map((p) => p.sends.map((s) => ids(s.record)))).toEqual([[['a1', 'a2']], [['b']]]);
    producers[1].sends[0].settle();
    await b;
    await tick();
    expect(producers[1].sends.map((s) => ids(s.record))).toEqual([['b'], ['c']]);
    producers[0].sends[0].settle();
    producers[1].sends[1].settle();
    await Promise.all([a, c]);
  });
});

describe('EventPublisher: a Kafka replaced under it', () => {
  it('swaps a producer the broker no longer knows for a new one', async () => {
    const stale = Object.assign(new Error('The broker received an out of order sequence number'), {
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    const { made, publisher } = setup();
    const first = outcome(publisher.publish([message('a')]));
    await tick();
    made[0].sends[0].settle(stale);
    await tick();
    expect(first.state).toBe('rejected');
    const second = publisher.publish([message('b')]);
    await tick();
    expect(made).toHaveLength(2);
    expect(made[1].sends.map((s) => ids(s.record))).toEqual([['b']]);
    made[1].sends[0].settle();
    await second;
  });
});
