import { READ_MODELS, declareReadModel } from '@orgpulse/domain';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { declaredTableStatements, ensureDeclaredTables } from './declared-tables';
import { tableNames, tablesOf } from './read-model-tables';

const columnsOf = async (db: DataSource, schema: string) => {
  const rows: { table: string; column: string; type: string; nullable: string; fallback: string | null }[] =
    await db.query(
      `SELECT table_name AS "table", column_name AS "column", data_type AS type, is_nullable AS nullable,
              column_default AS fallback
         FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name`,
      [schema],
    );
  return rows;
};

describe('a declared read model gets its tables from its declaration (real PostgreSQL)', () => {
  jest.setTimeout(60_000);
  let db: DataSource;
  const schema = `declared_${process.pid}`;

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.destroy();
  });

  it('given the migrated database, then nothing is left to add, and every model derived afresh has the very columns its tables have', async () => {
    expect(await ensureDeclaredTables(db)).toEqual([]);
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL search_path TO ${schema}`);
      for (const statement of READ_MODELS.flatMap((m) => declaredTableStatements(m, new Map())))
        await tx.query(statement);
    });
    const derived = await columnsOf(db, schema);
    const tables = new Set(READ_MODELS.flatMap((m) => tableNames(tablesOf(m))));
    const migrated = (await columnsOf(db, 'public')).filter((c) => tables.has(c.table));
    expect(derived).toEqual(migrated);
  });

  it('given read model tables whose JSON documents keep statistics (made by an older version), when the migrations run, then they keep none, set once', async () => {
    await db.query(`ALTER TABLE team_weeks ALTER COLUMN facts SET STATISTICS -1`);
    await db.query(`ALTER TABLE person_head ALTER COLUMN state SET STATISTICS 100`);
    expect(await db.transaction((tx) => ensureDeclaredTables(tx))).toEqual([
      'ALTER TABLE person_head ALTER COLUMN state SET STATISTICS 0',
      'ALTER TABLE team_weeks ALTER COLUMN facts SET STATISTICS 0',
    ]);
    const kept: { column: string }[] = await db.query(
      `SELECT c.relname || '.' || a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relname = ANY($1::text[]) AND c.relnamespace = 'public'::regnamespace AND a.attnum > 0
          AND a.atttypid = 'jsonb'::regtype AND coalesce(a.attstattarget, -1) <> 0`,
      [READ_MODELS.flatMap((m) => tableNames(tablesOf(m)))],
    );
    expect(kept).toEqual([]);
    expect(await db.transaction((tx) => ensureDeclaredTables(tx))).toEqual([]);
  });

  it('given a model with a new column, flag and total, when the migrations run, then only those are added, with their indexes', async () => {
    const model = declareReadModel<{ n: number }, { n: number }>({
      name: 'probe_model',
      version: 1,
      subjectKind: 'team',
      initial: () => ({ n: 0 }),
      fact: () => ({ n: 1 }),
      evolve: (head) => ({ n: head.n + 1 }),
      columns: { colour: () => null },
      history: true,
      weekFlags: { busy: () => false },
      links: () => [],
      totals: { columns: ['probes'], of: () => new Map() },
    });
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.query(`CREATE SCHEMA ${schema}`);
    const inSchema = (work: (tx: Pick<DataSource, 'query'>) => Promise<string[]>) =>
      db.transaction(async (tx) => {
        await tx.query(`SET LOCAL search_path TO ${schema}, public`);
        return work(tx);
      });
    const first = await inSchema((tx) => ensureDeclaredTables(tx, [model]));
    expect(first.filter((s) => s.startsWith('CREATE TABLE'))).toHaveLength(4);
    expect(await inSchema((tx) => ensureDeclaredTables(tx, [model]))).toEqual([]);

    const grown = { ...model, columns: { ...model.columns, size: () => null } };
    const added = await inSchema((tx) => ensureDeclaredTables(tx, [grown]));
    expect(added).toEqual([
      'ALTER TABLE probe_model_head ADD COLUMN size text',
      'CREATE INDEX probe_model_head_size ON probe_model_head (org_id, size)',
    ]);
    const indexes: { name: string }[] = await db.query(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
      [schema],
    );
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining([
        'probe_model_head_last_at',
        'probe_model_head_colour',
        'probe_model_head_size',
        'probe_model_weeks_busy',
      ]),
    );
  });

  it('refuses to add to the tables of a model whose version did not move, a reserved word, and a name declared twice', async () => {
    const model = declareReadModel<{ n: number }, { n: number }>({
      name: 'probe_versioned',
      version: 3,
      subjectKind: 'team',
      initial: () => ({ n: 0 }),
      fact: () => ({ n: 1 }),
      evolve: (head) => ({ n: head.n + 1 }),
    });
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.query(`CREATE SCHEMA ${schema}`);
    const ensure = (models: typeof READ_MODELS) =>
      db.transaction(async (tx) => {
        await tx.query(`SET LOCAL search_path TO ${schema}, public`);
        return ensureDeclaredTables(tx, models);
      });
    await ensure([model]);
    await db.query(
      `INSERT INTO read_model_versions (name, version) VALUES ('probe_versioned', 3)
       ON CONFLICT (name) DO UPDATE SET version = 3`,
    );
    try {
      const grown = { ...model, columns: { colour: () => null } };
      await expect(ensure([grown])).rejects.toThrow(
        /read model probe_versioned: its declaration adds to its stored tables \(ALTER TABLE probe_versioned_head ADD COLUMN colour text\) without moving its version 3/,
      );
      await expect(ensure([{ ...grown, version: 4 }])).resolves.toHaveLength(2);
      await expect(
        ensure([{ ...model, name: 'probe_reserved', columns: { order: () => null } }]),
      ).rejects.toThrow('read model probe_reserved: order is a reserved SQL word');
      await expect(ensure([model, model])).rejects.toThrow(
        'read models: probe_versioned declared more than once',
      );
    } finally {
      await db.query(`DELETE FROM read_model_versions WHERE name = 'probe_versioned'`);
    }
  });

  it('refuses a name that is not a plain SQL name, saying which', () => {
    const bad = { ...READ_MODELS[0], name: 'team; DROP TABLE event_store' };
    expect(() => declaredTableStatements(bad, new Map())).toThrow(
      /read model: "team; DROP TABLE event_store"/,
    );
  });
});
