import { KafkaBroker, type LoadOrg, PoisonProducer, poisonRecords } from '@orgpulse/testing';
import { FaultStack } from './support/fault-stack';

const ROUNDS = 3;

describe('fault: every kind of poison produced straight to the topic, interleaved with other orgs’ events', () => {
  jest.setTimeout(300_000);
  let broker: KafkaBroker;
  let stack: FaultStack;
  let poisonOrg: LoadOrg;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    stack = await FaultStack.start({ scenario: 'poison-records', brokers: broker.brokers });
    poisonOrg = await stack.createOrg('Fault poison');
  });

  afterAll(async () => {
    await stack?.stop();
    await broker?.stop();
  });

  it('dead-letters each poison record once, and stores every event answered 202 exactly once', async () => {
    const producer = await PoisonProducer.connect(broker.brokers);
    const load = stack.load({ eventsPerSecond: 300, durationMs: 25_000 });
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        await producer.produce(poisonRecords(poisonOrg.orgId, round));
        stack.mark(`poison round ${round + 1} of ${ROUNDS} produced`);
      }
    } finally {
      await producer.disconnect();
    }
    await load.finished();

    const { result, problems } = await stack.reconcile(load, {
      poison: producer.produced,
      orgIds: [...stack.orgs.map((o) => o.orgId), poisonOrg.orgId],
    });
    expect(result.poisonProduced).toBe(ROUNDS * poisonRecords(poisonOrg.orgId, 0).length);
    expect(problems).toEqual([]);
  });
});
