import { randomUUID } from 'node:crypto';
import { Topics } from '@orgpulse/contracts';
import { KafkaCluster } from '@orgpulse/testing';
import { Kafka, logLevel } from 'kafkajs';
import { FaultStack } from './support/fault-stack';

/** The node that leads most partitions of the events topic: losing it moves the most leaders. */
async function busiestLeader(brokers: string): Promise<number> {
  const admin = new Kafka({
    clientId: `fault-${randomUUID()}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [Topics.events] });
    const led = new Map<number, number>();
    for (const p of topics[0].partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
    return [...led].sort((a, b) => b[1] - a[1])[0][0];
  } finally {
    await admin.disconnect();
  }
}

describe('fault: on a 3-broker cluster, one broker killed for good while a multi-org stream flows', () => {
  jest.setTimeout(300_000);
  let cluster: KafkaCluster;
  let stack: FaultStack;

  beforeAll(async () => {
    cluster = await KafkaCluster.create(3);
    await cluster.start();
    stack = await FaultStack.start({
      scenario: 'broker-lost-for-good',
      brokers: cluster.brokers,
      env: { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });

  it('every event answered 202 is stored exactly once and the read models equal a rebuild', async () => {
    const load = stack.load({ eventsPerSecond: 300, durationMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const victim = await busiestLeader(cluster.brokers);
    await cluster.kill(victim);
    stack.mark(`broker ${victim} SIGKILLed for good (it led the most event partitions)`);
    const acceptedAtRecovery = load.ledger.acceptedKeys.length;
    await load.finished();

    const { problems } = await stack.reconcile(load, { acceptedAtRecovery });
    expect(problems).toEqual([]);
  });
});
