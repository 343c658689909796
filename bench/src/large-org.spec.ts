import { type EventEnvelope, validateEvents } from '@orgpulse/contracts';
import { GROUP_FAN_OUT, largeOrg, largeOrgProblem } from './large-org';

const shape = {
  teams: 120,
  groups: 90,
  people: 1_500,
  events: 20_000,
  days: 120,
  start: new Date('2026-01-05T00:00:00Z'),
  seed: 3,
};
const data = (e: EventEnvelope) => e.data as Record<string, string | null | undefined>;

describe('the large org (E6)', () => {
  const events = [...largeOrg(shape)];

  it('is valid input for the ingest API, every id unique, at least the events asked for', () => {
    const result = validateEvents(events, new Date('2027-01-01T00:00:00Z'));
    expect(result.ok ? [] : result.problems.slice(0, 3)).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.length).toBeGreaterThanOrEqual(shape.events);
    // only the unblocks of its blocks come on top
    const blocks = events.filter((e) => e.type === 'team.blocked').length;
    expect(events.length).toBeLessThanOrEqual(shape.events + blocks);
  });

  it('is the same for the same seed, another for another, and comes in occurrence order', () => {
    expect([...largeOrg(shape)]).toEqual(events);
    expect([...largeOrg({ ...shape, seed: 4 })]).not.toEqual(events);
    const times = events.map((e) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(
      times[times.length - 1] < new Date(shape.start.getTime() + shape.days * 86_400_000).toISOString(),
    ).toBe(true);
  });

  it('is a stream: the first events come without generating the year', () => {
    const huge = largeOrg({ ...shape, teams: 20_000, groups: 5_000, people: 200_000, events: 50_000_000 });
    const first = huge.next().value as EventEnvelope;
    expect(first).toMatchObject({ type: 'group.registered', data: { groupId: 'g-0', parentId: null } });
  });

  it('registers every group, person and team on day 0, parents and managers first', () => {
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const registered = events.slice(0, shape.groups + shape.people + shape.teams);
    expect(registered.map((e) => e.type)).toEqual([
      ...Array<string>(shape.groups).fill('group.registered'),
      ...Array<string>(shape.people).fill('person.registered'),
      ...Array<string>(shape.teams).fill('team.registered'),
    ]);
    const seen = new Set<string>();
    for (const e of registered) {
      const parent = data(e).parentId ?? data(e).managerId;
      if (e.type !== 'team.registered' && parent) expect(seen).toContain(parent);
      seen.add(data(e).groupId ?? data(e).personId ?? '');
    }
    for (const type of ['team.blocked', 'team.unblocked', 'discovery.interview-held', 'delivery.shipped'])
      expect(count(type)).toBeGreaterThan(0);
    expect(count('one-on-one.held')).toBeGreaterThan(shape.people); // every report, some twice
    expect(count('person.manager-changed')).toBeGreaterThan(0);
    expect(count('team.registered')).toBeGreaterThan(shape.teams); // teams moving group
    expect(count('group.registered')).toBeGreaterThan(shape.groups); // groups moving parent
  });

  it('holds a group hierarchy several levels deep under one root, without cycles', () => {
    const parent = new Map<string, string | null>();
    for (const e of events)
      if (e.type === 'group.registered') parent.set(data(e).groupId!, data(e).parentId ?? null);
    const depth = (g: string) => {
      const seen = new Set<string>();
      for (let at: string | null = g; at !== null; at = parent.get(at) ?? null) {
        expect(seen.has(at)).toBe(false);
        seen.add(at);
      }
      return seen.size - 1;
    };
    const depths = [...parent.keys()].map(depth);
    expect(depths.filter((d) => d === 0)).toHaveLength(1);
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(2);
    // 5,000 groups: six levels (1, 8, 64, 512, 4,096 and the 319 left)
    const full = largeOrg({
      teams: 20_000,
      groups: 5_000,
      people: 200_000,
      events: 300_000,
      days: 7,
      start: shape.start,
      seed: 1,
    });
    let deepest = 0;
    for (const e of full) {
      if (e.type !== 'group.registered') break;
      const g = Number(data(e).groupId!.slice(2));
      let d = 0;
      for (let at = g; at > 0; at = Math.floor((at - 1) / GROUP_FAN_OUT)) d++;
      deepest = Math.max(deepest, d);
    }
    expect(deepest).toBe(5);
  });

  it('gives managers a realistic span of control and teams a group that is a leaf', () => {
    const reports = new Map<string, number>();
    for (const e of events)
      if (e.type === 'person.registered' && data(e).managerId)
        reports.set(data(e).managerId!, (reports.get(data(e).managerId!) ?? 0) + 1);
    const spans = [...reports.values()];
    expect(spans.length).toBeGreaterThan(shape.teams); // every engineering manager and group leader
    const mean = spans.reduce((a, b) => a + b, 0) / spans.length;
    expect(mean).toBeGreaterThanOrEqual(3);
    expect(mean).toBeLessThanOrEqual(12);
    expect(Math.max(...spans)).toBeLessThanOrEqual(3 * GROUP_FAN_OUT);
    const parents = new Set(events.slice(0, shape.groups).map((e) => data(e).parentId));
    const teamGroups = events.filter((e) => e.type === 'team.registered').map((e) => data(e).groupId);
    for (const g of teamGroups.slice(0, shape.teams)) expect(parents.has(g)).toBe(false);
  });

  it.each([
    [{ ...shape, people: 329 }, /people must be at least 330/],
    [{ ...shape, events: 1_800 }, /events must be more than 1\d{3} \(registrations/],
  ])('refuses an org that cannot be made (%#)', (bad, message) => {
    expect(largeOrgProblem(bad)).toMatch(message);
    expect(() => largeOrg(bad).next()).toThrow(message);
  });
});
