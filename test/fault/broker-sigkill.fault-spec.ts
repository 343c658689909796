import { KafkaCluster } from '@orgpulse/testing';
import { FaultStack } from './support/fault-stack';

describe('fault: the Kafka broker SIGKILLed and restarted while a multi-org stream flows', () => {
  jest.setTimeout(300_000);
  let kafka: KafkaCluster;
  let stack: FaultStack;

  beforeAll(async () => {
    kafka = await KafkaCluster.create(1);
    await kafka.start();
    stack = await FaultStack.start({ scenario: 'broker-sigkill', brokers: kafka.brokers });
  });

  afterAll(async () => {
    await stack?.stop();
    await kafka?.stop();
  });

  it('every event answered 202 is stored exactly once and the read models equal a rebuild', async () => {
    const load = stack.load({ eventsPerSecond: 300, durationMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await kafka.kill(1);
    stack.mark('broker SIGKILLed');
    await kafka.restart(1); // same data dir and port: recovers its log
    stack.mark('broker restarted');
    const acceptedAtRecovery = load.ledger.acceptedKeys.length;
    await load.finished();

    const { problems } = await stack.reconcile(load, { acceptedAtRecovery });
    expect(problems).toEqual([]);
  });
});
