import { type StalledWorkFacts, stalledWork } from './stalled-work';

const T = Date.parse('2026-11-21T12:00:00Z');
const s = 1_000;
const calm: StalledWorkFacts = {
  now: T,
  stuckAfterMs: 60 * s,
  failing: new Map(),
  lag: new Map([[0, 0]]),
  advancedAt: new Map([[0, { at: T }]]),
  lagSamples: [],
  deadLetterBacklog: { count: 0, oldestAgeSeconds: 0 },
};

describe('stalledWork: when /health says degraded', () => {
  it.each<[string, Partial<StalledWorkFacts>, RegExp[]]>([
    ['nothing failing, no lag', {}, []],
    [
      'a batch failing for 30 s (shorter than the span)',
      { failing: new Map([[2, { since: T - 30 * s, error: 'date out of range' }]]) },
      [],
    ],
    [
      'a batch failing for 61 s',
      { failing: new Map([[2, { since: T - 61 * s, error: 'date out of range' }]]) },
      [/partition 2: batches failing/],
    ],
    [
      'records waiting on a partition that has not moved for 61 s',
      { lag: new Map([[1, 40]]), advancedAt: new Map([[1, { at: T - 61 * s }]]) },
      [/partition 1: 40 records waiting/],
    ],
    [
      'records waiting on a partition that moved 10 s ago',
      { lag: new Map([[1, 40]]), advancedAt: new Map([[1, { at: T - 10 * s }]]) },
      [],
    ],
    [
      'lag grew at every measurement over the span',
      {
        lagSamples: [0, 10, 20, 30, 40, 50, 60].map((k, i) => ({
          at: T - 60 * s + i * 10 * s,
          total: 100 + k,
        })),
      },
      [/lag grew at every measurement, from 100 to 160/],
    ],
    [
      'lag that rose and fell',
      {
        lagSamples: [0, 10, 5, 30, 40, 50, 60].map((k, i) => ({
          at: T - 60 * s + i * 10 * s,
          total: 100 + k,
        })),
      },
      [],
    ],
    [
      'lag growing for only 20 s',
      { lagSamples: [0, 10, 20].map((k, i) => ({ at: T - 20 * s + i * 10 * s, total: k })) },
      [],
    ],
    [
      'dead letters waiting 61 s for the topic',
      { deadLetterBacklog: { count: 3, oldestAgeSeconds: 61 } },
      [/3 dead letters not yet on the dead-letter topic/],
    ],
    ['dead letters waiting 2 s', { deadLetterBacklog: { count: 3, oldestAgeSeconds: 2 } }, []],
  ])('given %s', (_given, facts, expected) => {
    const problems = stalledWork({ ...calm, ...facts });
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(problems[i].problem).toMatch(pattern));
  });

  it('says since when', () => {
    const [problem] = stalledWork({ ...calm, failing: new Map([[0, { since: T - 90 * s, error: 'x' }]]) });
    expect(problem.since).toBe('2026-11-21T11:58:30.000Z');
  });
});
