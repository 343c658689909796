import { ReadinessMonitor } from './readiness';

const up = () => Promise.resolve(true);

describe('ReadinessMonitor: /readyz from memory', () => {
  let now = 0;
  const monitor = (kafka: () => Promise<boolean>, database: () => Promise<boolean> = up) =>
    new ReadinessMonitor({ kafka, database }, { intervalMs: 1_000, timeoutMs: 50, now: () => now });

  beforeEach(() => {
    now = Date.parse('2026-11-21T12:00:00Z');
  });

  it('is not ready before the first check', () => {
    expect(monitor(up).report()).toMatchObject({ status: 'not-ready', checkedAt: null });
  });

  it('is ready when every check passed and nothing is stuck', async () => {
    const m = monitor(up);
    await m.check();
    expect(m.report()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', database: 'up' },
      checkedAt: '2026-11-21T12:00:00.000Z',
      problems: [],
    });
  });

  it('counts a check that does not answer within its deadline as down', async () => {
    const m = monitor(() => new Promise<boolean>(() => undefined));
    await m.check();
    expect(m.report()).toMatchObject({ status: 'not-ready', checks: { kafka: 'down', database: 'up' } });
  });

  it('counts a check that throws as down', async () => {
    const m = monitor(up, () => Promise.reject(new Error('refused')));
    await m.check();
    expect(m.dependencies()).toEqual({ kafka: 'up', database: 'down' });
  });

  it('is not ready when its results are too old to speak for now (the checks stopped running)', async () => {
    const m = monitor(up);
    await m.check();
    now += 3_051;
    expect(m.report().status).toBe('not-ready');
  });

  it('is not ready while work is stuck, and says what', async () => {
    const m = monitor(up);
    m.addProblems(() => [{ problem: 'partition 2: batches failing', since: '2026-11-21T11:58:00.000Z' }]);
    await m.check();
    expect(m.report()).toMatchObject({
      status: 'not-ready',
      problems: [{ problem: 'partition 2: batches failing' }],
    });
  });

  it('answers /health with the stuck work and the fields added; in production without the errors behind it', async () => {
    for (const revealDetails of [true, false]) {
      const m = new ReadinessMonitor(
        { kafka: up, database: up },
        { intervalMs: 1_000, timeoutMs: 50, now: () => now, revealDetails },
      );
      m.addProblems(() => [
        { problem: 'projection is stuck', since: '2026-11-21T11:00:00.000Z', detail: 'ECONNRESET' },
      ]);
      m.addDetails('projection', () => ({ lagRecords: 3 }));
      await m.check();
      const problem = { problem: 'projection is stuck', since: '2026-11-21T11:00:00.000Z' };
      const problems = [revealDetails ? { ...problem, detail: 'ECONNRESET' } : problem];
      expect(m.health()).toEqual({
        status: 'degraded',
        checks: { kafka: 'up', database: 'up' },
        problems,
        projection: { lagRecords: 3 },
      });
      // /readyz shows no more than /health does
      expect(m.report().problems).toEqual(problems);
    }
  });
});
