import type { DataSource } from 'typeorm';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from '../result-cache/org-data-versions';
import { OrgSizesSource } from './org-sizes.source';

const TEAMS = { teams: 20_000, groups: 5_000 };
const PEOPLE = { people: 200_000, managers: 225_000, alerts: 3, openAlerts: 1 };
const COUNTS = { ...TEAMS, ...PEOPLE };

/**
 * Issue 20: a large org's people and alerts are not counted per group asked nor per data version; its
 * teams, which aggregates are costed by, are counted per data version.
 */
describe('org sizes for the cost model', () => {
  const given = () => {
    const clock = { ms: 1_000 };
    let version = 7;
    let people = COUNTS.people;
    const statements: string[] = [];
    let answered = () => Promise.resolve();
    const db = {
      query: async (sql: string, params: unknown[]) => {
        statements.push(sql);
        if (sql.includes('GROUP BY group_id'))
          return (params[1] as string[]).map((groupId) => ({ groupId, n: 12 }));
        if (!sql.includes('person_head')) return [TEAMS];
        const counted = { ...PEOPLE, people };
        await answered();
        return [counted];
      },
    } as unknown as DataSource;
    const versions = { listening: true, of: () => version, epochOf: () => 1 } as unknown as OrgDataVersions;
    // the answers' cache: its 2 s bounds the groups' team counts, not the org's
    const cache = new ApiCache({ maxBytes: 1_000_000, maxAgeMs: 2_000, now: () => clock.ms });
    const source = new OrgSizesSource(db, cache, versions, undefined, {
      maxAgeMs: 60_000,
      maxBytes: 1_000_000,
      now: () => clock.ms,
    });
    const countsRead = () => statements.filter((sql) => sql.includes('person_head')).length;
    const teamsRead = () => statements.filter((sql) => sql.includes('group_head')).length;
    return {
      source,
      statements,
      countsRead,
      teamsRead,
      clock,
      newVersion: () => version++,
      grow: (n: number) => (people += n),
      holdAnswers: (until: Promise<void>) => (answered = () => until),
    };
  };

  it('given the org counted once, when other groups are asked, then only their team counts are read', async () => {
    const { source, statements, countsRead } = given();
    expect(await source.of('org', ['g-1'])).toEqual({ ...COUNTS, teamsByGroup: { 'g-1': 12 } });
    expect(statements).toHaveLength(3);
    expect(await source.of('org', ['g-2'])).toEqual({ ...COUNTS, teamsByGroup: { 'g-2': 12 } });
    expect(await source.of('org', [])).toEqual({ ...COUNTS, teamsByGroup: {} });
    expect(statements).toHaveLength(4);
    expect(countsRead()).toBe(1);
  });

  it('given counts read, when the data version moves on, then its teams are counted again, not its people', async () => {
    const { source, countsRead, teamsRead, newVersion } = given();
    await source.of('org', []);
    newVersion();
    newVersion();
    await source.of('org', []);
    expect(countsRead()).toBe(1);
    expect(teamsRead()).toBe(2);
  });

  it('given counts half their maximum age, when asked, then they answer at once while a refresh counts again', async () => {
    const { source, countsRead, clock, grow, holdAnswers } = given();
    await source.of('org', []);
    clock.ms += 31_000;
    grow(5);
    let release = () => undefined as void;
    holdAnswers(new Promise<void>((resolve) => (release = resolve)));
    // the refresh's answer is held back: the request is answered with the counts there were
    expect((await source.of('org', [])).people).toBe(COUNTS.people);
    expect((await source.of('org', [])).people).toBe(COUNTS.people);
    expect(countsRead()).toBe(2); // one refresh, however many ask meanwhile
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await source.of('org', [])).people).toBe(COUNTS.people + 5);
  });

  it('given counts past their maximum age, when asked, then the request counts and waits for it', async () => {
    const { source, countsRead, clock, grow } = given();
    await source.of('org', []);
    clock.ms += 61_000;
    grow(7);
    expect((await source.of('org', [])).people).toBe(COUNTS.people + 7);
    expect(countsRead()).toBe(2);
  });

  it("given teams counted, when asked again past the answers' 2 s on the same data version, then they are not counted again", async () => {
    const { source, teamsRead, clock } = given();
    await source.of('org', ['g-1']);
    clock.ms += 5_000;
    expect(await source.of('org', ['g-1'])).toEqual({ ...COUNTS, teamsByGroup: { 'g-1': 12 } });
    clock.ms += 20_000;
    await source.of('org', []);
    expect(teamsRead()).toBe(1);
  });
});
