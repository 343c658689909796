import { KafkaBroker } from '@orgpulse/testing';
import { FaultStack } from './support/fault-stack';

const OUTAGE_MS = 30_000;

describe('fault: PostgreSQL unreachable for 30 s while a multi-org stream flows', () => {
  jest.setTimeout(300_000);
  let broker: KafkaBroker;
  let stack: FaultStack;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    stack = await FaultStack.start({
      scenario: 'postgres-unreachable',
      brokers: broker.brokers,
      postgresProxy: true,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await broker?.stop();
  });

  it('every event answered 202 is stored exactly once and the read models equal a rebuild', async () => {
    const proxy = stack.proxy!;
    const load = stack.load({ eventsPerSecond: 300, durationMs: OUTAGE_MS + 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    proxy.cut();
    stack.mark('PostgreSQL cut off from both apps');
    // the outage lasts a fixed time: that is the fault, not a wait for a condition
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    proxy.restore();
    stack.mark('PostgreSQL reachable again');
    const acceptedAtRecovery = load.ledger.acceptedKeys.length;
    expect(stack.projector.running).toBe(true);
    await load.finished();

    const { problems } = await stack.reconcile(load, { acceptedAtRecovery });
    expect(problems).toEqual([]);
  });
});
