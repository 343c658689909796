import { KafkaCluster } from '@orgpulse/testing';
import { FaultStack } from './support/fault-stack';

describe('fault: Kafka wiped and started fresh while PostgreSQL keeps its data (apps keep running)', () => {
  jest.setTimeout(300_000);
  let kafka: KafkaCluster;
  let stack: FaultStack;

  beforeAll(async () => {
    kafka = await KafkaCluster.create(1);
    await kafka.start();
    stack = await FaultStack.start({ scenario: 'kafka-wiped', brokers: kafka.brokers });
  });

  afterAll(async () => {
    await stack?.stop();
    await kafka?.stop();
  });

  it('every event answered 202, before and after the wipe, is stored exactly once', async () => {
    const load = stack.load({ eventsPerSecond: 300, durationMs: 40_000 });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await kafka.startFresh(); // stops the broker, deletes its data, starts a new cluster on the same port
    stack.mark('Kafka wiped and started fresh');
    const acceptedAtRecovery = load.ledger.acceptedKeys.length;
    await load.finished();

    const { problems } = await stack.reconcile(load, { acceptedAtRecovery });
    expect(problems).toEqual([]);
  });
});
