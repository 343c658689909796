import { validateEvents } from '@orgpulse/contracts';
import { syntheticOrg } from './synthetic-org';

const shape = { teams: 20, people: 200, days: 120, start: new Date('2026-01-05T00:00:00Z'), seed: 7 };

describe('the synthetic org', () => {
  const events = syntheticOrg(shape);

  it('is valid input for the ingest API, every id unique', () => {
    const result = validateEvents(events, new Date('2027-01-01T00:00:00Z'));
    expect(result.ok ? [] : result.problems.slice(0, 3)).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('is the same for the same seed and comes in occurrence order', () => {
    expect(syntheticOrg(shape)).toEqual(events);
    const times = events.map((e) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
  });

  it('registers every person and team and holds blocks, interviews, ships and 1:1s', () => {
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('person.registered')).toBe(200);
    expect(count('team.registered')).toBeGreaterThanOrEqual(20);
    for (const type of [
      'team.blocked',
      'team.unblocked',
      'discovery.interview-held',
      'delivery.shipped',
      'one-on-one.held',
    ])
      expect(count(type)).toBeGreaterThan(0);
  });

  it('refuses an org with fewer people than its managers', () => {
    expect(() => syntheticOrg({ ...shape, people: 30 })).toThrow(/people must be at least 41/);
  });
});
