import { IoTurns } from './io-turns';

describe('IoTurns: slices of synchronous work with turns of the event loop between them', () => {
  it('is due once its slice has run out, and a turn starts the next slice', async () => {
    expect(new IoTurns(0).due).toBe(true);
    const turns = new IoTurns(60_000);
    expect(turns.due).toBe(false);
    await turns.take();
    expect(turns.due).toBe(false);
  });

  it('lets in what the event loop holds (an immediate queued before) before it resolves', async () => {
    const turns = new IoTurns(0);
    let ran = false;
    setImmediate(() => (ran = true));
    await turns.take();
    expect(ran).toBe(true);
  });

  it('gives every waiter the same turn: one slice follows it for them all', () => {
    const turns = new IoTurns(0);
    const first = turns.take();
    expect(turns.take()).toBe(first);
    return first;
  });
});
