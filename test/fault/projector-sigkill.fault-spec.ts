import { KafkaBroker } from '@orgpulse/testing';
import { FaultStack } from './support/fault-stack';

describe('fault: the projector SIGKILLed 5 times while a multi-org stream flows', () => {
  jest.setTimeout(300_000);
  let broker: KafkaBroker;
  let stack: FaultStack;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    stack = await FaultStack.start({
      scenario: 'projector-sigkill',
      brokers: broker.brokers,
      // a short session: the group notices each killed instance sooner (the crash itself is the same)
      projectorEnv: { PROJECTOR_SESSION_TIMEOUT_MS: '6000' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await broker?.stop();
  });

  it('every event answered 202 is stored exactly once and the read models equal a rebuild', async () => {
    const load = stack.load({ eventsPerSecond: 300, durationMs: 90_000 });
    for (let kill = 1; kill <= 5; kill++) {
      // a random moment: inside a batch, between batches, or while the group rebalances
      await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.random() * 2_500));
      stack.projector.child.kill('SIGKILL');
      await stack.projector.exited;
      stack.mark(`projector SIGKILLed (${kill} of 5)`);
      await stack.startProjector();
    }
    const acceptedAtRecovery = load.ledger.acceptedKeys.length;
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // the stream goes on a while after the last kill
    load.stop();
    await load.finished();

    const { problems } = await stack.reconcile(load, { acceptedAtRecovery });
    expect(problems).toEqual([]);
  });
});
