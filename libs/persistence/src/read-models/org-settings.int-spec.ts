import { ORG_SETTINGS, ORG_SETTING_NAMES } from '@orgpulse/domain';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { settingColumn } from './org-settings.repository';

describe('org_settings against the one definition of org settings (real PostgreSQL)', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  it('has a column per setting with its default, and a check of exactly its range', async () => {
    const columns = await db.query<{ column_name: string; column_default: string | null }[]>(
      `SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'org_settings'`,
    );
    const checks = await db.query<{ definition: string }[]>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = 'org_settings'::regclass AND contype = 'c'`,
    );
    const settingColumns = columns.filter((c) => !['org_id', 'updated_at'].includes(c.column_name));
    expect(settingColumns.map((c) => c.column_name).sort()).toEqual(
      ORG_SETTING_NAMES.map(settingColumn).sort(),
    );
    const defaultOf = (name: (typeof ORG_SETTING_NAMES)[number]) =>
      columns.find((c) => c.column_name === settingColumn(name))?.column_default ?? null;
    const rangeOf = (column: string) =>
      checks
        .map((c) =>
          new RegExp(
            `\\(${column} >= \\(?(\\d+)\\)?(?:::numeric)?\\) AND \\(${column} <= \\(?(\\d+)\\)?(?:::numeric)?\\)`,
          ).exec(c.definition),
        )
        .find((m) => m !== null)
        ?.slice(1)
        .map(Number);
    for (const name of ORG_SETTING_NAMES) {
      const spec = ORG_SETTINGS[name];
      const column = settingColumn(name);
      if (spec.kind === 'currency') {
        expect([name, defaultOf(name)]).toEqual([name, `'${spec.defaultValue}'::text`]);
        continue;
      }
      expect([name, defaultOf(name)]).toEqual([
        name,
        spec.defaultValue === null ? null : String(spec.defaultValue),
      ]);
      expect([name, rangeOf(column)]).toEqual([name, [spec.min, spec.max]]);
    }
  });
});
