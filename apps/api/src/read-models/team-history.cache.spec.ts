import { type Fact, type TeamFact, emptyTeamHead, teamTimelineFrom } from '@orgpulse/domain';
import { type CachedHistory, TeamHistoryCache, timelineBytes } from './team-history.cache';

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 6);

/** A busy team's year: an interview a day, three ships in four days, a block a month (664 facts). */
function busyYear(teamId: string): CachedHistory {
  const facts: Fact<TeamFact>[] = [];
  const add = (at: number, data: TeamFact) => facts.push({ at, position: facts.length, data });
  add(START, { kind: 'registered', name: teamId, headcount: 8, groupId: 'g1' });
  for (let day = 1; day < 365; day++) {
    const at = START + day * DAY;
    add(at + 1, { kind: 'interview', trio: day % 3 === 0 });
    if (day % 4 !== 0) add(at + 2, { kind: 'shipped' });
    if (day % 28 === 0) add(at + 3, { kind: 'blocked', reason: 'dependency', blockedBy: 'team-x' });
    if (day % 28 === 3) add(at + 3, { kind: 'unblocked' });
  }
  return {
    version: facts.length,
    from: START,
    complete: true,
    timeline: teamTimelineFrom(emptyTeamHead(teamId), START, facts),
  };
}

describe('TeamHistoryCache', () => {
  it('charges an entry by its timeline, so that a year of 200 busy teams fits in 4 MB', () => {
    // given a year of 200 teams (132,800 facts: above 20 MB as the weeks they are read from)
    const years = Array.from({ length: 200 }, (_, i) => busyYear(`team-${i}`));
    expect(timelineBytes(years[0].timeline)).toBeLessThan(16_000);
    const cache = new TeamHistoryCache(4 * 1024 * 1024);
    const counted = { hit: 0, miss: 0 };
    cache.meter = { hit: () => (counted.hit += 1), miss: () => (counted.miss += 1) };
    // when every team is read, then asked again in the same order (what a cache too small never serves)
    for (const year of years) {
      const id = year.timeline.teamId;
      expect(cache.lookup('org', id, year.version, START)).toBeUndefined();
      cache.set('org', id, year);
    }
    // then every team of the second round is served
    for (const year of years)
      expect(cache.lookup('org', year.timeline.teamId, year.version, START + DAY)).toBe(year);
    expect(cache.size).toBe(200);
    expect(counted).toEqual({ hit: 200, miss: 200 });
  });

  it('serves an entry at its version for windows from what it holds on; get counts nothing', () => {
    const cache = new TeamHistoryCache(1024 * 1024);
    const counted = { hit: 0, miss: 0 };
    cache.meter = { hit: () => (counted.hit += 1), miss: () => (counted.miss += 1) };
    const year = { ...busyYear('t1'), complete: false, from: START + 10 * DAY };
    cache.set('org', 't1', year);
    expect(cache.get('org', 't1', year.version, START + 10 * DAY)).toBe(year);
    expect(cache.get('org', 't1', year.version, START + 9 * DAY)).toBeUndefined();
    expect(cache.get('org', 't1', year.version + 1, START + 10 * DAY)).toBeUndefined();
    expect(cache.get('other-org', 't1', year.version, START + 10 * DAY)).toBeUndefined();
    expect(counted).toEqual({ hit: 0, miss: 0 });
    expect(cache.lookup('org', 't1', year.version + 1, START + 20 * DAY)).toBeUndefined();
    expect(cache.lookup('org', 't1', year.version, START + 20 * DAY)).toBe(year);
    expect(counted).toEqual({ hit: 1, miss: 1 });
  });
});
