import type { DataSource } from 'typeorm';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from '../result-cache/org-data-versions';
import { OrgSizesSource } from './org-sizes.source';

const COUNTS = { teams: 20_000, groups: 5_000, people: 200_000, managers: 225_000, alerts: 3, openAlerts: 1 };

/** Issue 20: counting a large org's people and teams is read once per data version, not per group asked. */
describe('org sizes for the cost model', () => {
  const versions = { listening: true, of: () => 7, epochOf: () => 1 } as unknown as OrgDataVersions;
  const given = () => {
    const statements: string[] = [];
    const db = {
      query: (sql: string, params: unknown[]) => {
        statements.push(sql);
        return Promise.resolve(
          sql.includes('GROUP BY group_id')
            ? (params[1] as string[]).map((groupId) => ({ groupId, n: 12 }))
            : [COUNTS],
        );
      },
    } as unknown as DataSource;
    const source = new OrgSizesSource(db, new ApiCache({ maxBytes: 1_000_000, maxAgeMs: 60_000 }), versions);
    return { source, statements };
  };

  it('given the org counted once, when other groups are asked, then only their team counts are read', async () => {
    const { source, statements } = given();
    expect(await source.of('org', ['g-1'])).toEqual({ ...COUNTS, teamsByGroup: { 'g-1': 12 } });
    expect(statements).toHaveLength(2);
    expect(await source.of('org', ['g-2'])).toEqual({ ...COUNTS, teamsByGroup: { 'g-2': 12 } });
    expect(await source.of('org', [])).toEqual({ ...COUNTS, teamsByGroup: {} });
    expect(statements).toHaveLength(3);
    expect(statements.filter((sql) => sql.includes('person_head'))).toHaveLength(1);
  });
});
