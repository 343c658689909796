import { summariseRuns } from './run-summary';

describe('summarising runs', () => {
  it('replaces every number, however deep, by its median, min and max; keeps names', () => {
    const runs = [
      {
        b1: { eventsPerSecond: 300, ms: 10 },
        levels: [{ clients: 16, p95Ms: 9 }],
        memory: { api: 200 },
        note: 'x',
      },
      {
        b1: { eventsPerSecond: 100, ms: 30 },
        levels: [{ clients: 16, p95Ms: 3 }],
        memory: { api: 250 },
        note: 'x',
      },
      {
        b1: { eventsPerSecond: 200, ms: 20 },
        levels: [{ clients: 16, p95Ms: 6 }],
        memory: { api: 220 },
        note: 'x',
      },
    ];
    expect(summariseRuns(runs)).toEqual({
      b1: {
        eventsPerSecond: { median: 200, min: 100, max: 300, runs: 3 },
        ms: { median: 20, min: 10, max: 30, runs: 3 },
      },
      levels: [
        { clients: { median: 16, min: 16, max: 16, runs: 3 }, p95Ms: { median: 6, min: 3, max: 9, runs: 3 } },
      ],
      memory: { api: { median: 220, min: 200, max: 250, runs: 3 } },
      note: 'x',
    });
  });

  it('summarises a key some runs lack over the runs that have it', () => {
    const runs: { groups: Record<string, number> }[] = [
      { groups: { projector: 50, 'postgres: other': 4 } },
      { groups: { projector: 70 } },
    ];
    expect(summariseRuns(runs)).toEqual({
      groups: {
        projector: { median: 60, min: 50, max: 70, runs: 2 },
        'postgres: other': { median: 4, min: 4, max: 4, runs: 1 },
      },
    });
  });
});
