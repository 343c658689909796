import { randomUUID } from 'node:crypto';
import { type PersonFact, type PersonHead, personReadModel } from '@orgpulse/domain';
import {
  type MeasuredStatement,
  TestDatabase,
  acceptedEventBuilder,
  measureStatements,
  projectEvents,
} from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { recordReadModelVersions } from '../projections/read-model-versions';
import { ReadModelReader } from './read-model.reader';

type Reader = ReadModelReader<PersonHead, PersonFact>;

const START = Date.parse('2026-01-05T00:00:00Z');
const PEOPLE = 200_000;
const REPORTS_EACH = 8;
const person = (i: number) => `p${String(i).padStart(6, '0')}`;
const manager = (i: number) => `m${String(i).padStart(5, '0')}`;

/**
 * Issue 20: a page of the managers list asks for thousands of ids at once (500 managers, their 4,000
 * reports of 200,000 people). Given as `= ANY(array)`, PostgreSQL estimated them as a share of the table
 * and scanned all of it (the org's people, 110 ms a read); each read here goes through the index, so its
 * cost follows the ids asked. Shown with the rows each plan touched, never with timings.
 */
describe('a read of many ids touches those ids, not the org', () => {
  jest.setTimeout(180_000);
  let testDb: TestDatabase;
  let db: DataSource;
  const orgId = randomUUID();

  beforeAll(async () => {
    testDb = await TestDatabase.create('manyids');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    await recordReadModelVersions(db.manager);
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'many ids')`, [orgId]);
    // E6's size, written straight into the tables (projecting 200,000 registrations would take minutes):
    // what the plans depend on is the tables' size and statistics
    await projectEvents(db, [
      acceptedEventBuilder()(orgId, 'person.registered', START, {
        personId: person(0),
        managerId: manager(0),
      }),
    ]);
    await db.query(
      `INSERT INTO person_head (org_id, subject_id, state, last_at_ms, last_position, version, manager_id, role)
       SELECT $1, p, jsonb_build_object('personId', p, 'name', 'Person ' || i, 'role', 'engineer', 'managerId', m),
              $2::bigint + i, i, 1, m, 'engineer'
         FROM generate_series(1, $3::int - 1) i,
              LATERAL (SELECT 'p' || lpad(i::text, 6, '0') AS p, 'm' || lpad((i / $4::int)::text, 5, '0') AS m) n`,
      [orgId, START, PEOPLE, REPORTS_EACH],
    );
    await db.query(
      `INSERT INTO person_links (org_id, link_id, subject_id)
       SELECT $1, manager_id, subject_id FROM person_head WHERE org_id = $1 AND subject_id <> $2`,
      [orgId, person(0)],
    );
    await db.query('ANALYZE person_head, person_links');
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  // 2 % of the org, as the managers page asks of E6's: 500 managers (4,000 reports), 4,000 people
  const managers = Array.from({ length: 500 }, (_, i) => manager(1 + i * 40));
  const people = Array.from({ length: 4_000 }, (_, i) => person(1 + i * 50));
  const reportsOf = (m: string) => {
    const first = Number(m.slice(1)) * REPORTS_EACH;
    return Array.from({ length: REPORTS_EACH }, (_, k) => person(first + k));
  };

  const measuredRead = async <T>(read: (reader: Reader) => Promise<T>) => {
    const measured = measureStatements(db);
    const found = await measured.db.transaction((tx) =>
      read(new ReadModelReader<PersonHead, PersonFact>(tx, personReadModel)),
    );
    const [statement] = measured.statements as [MeasuredStatement];
    return { found, rows: statement.rowsTouched, seqScans: statement.seqScans };
  };

  it.each<[string, (reader: Reader) => Promise<readonly unknown[]>, number]>([
    ['heads', (r: Reader) => r.heads(orgId, people), people.length],
    ['head columns', (r: Reader) => r.headColumns(orgId, people, ['manager_id']), people.length],
    [
      "a column's values (the reports of 500 managers)",
      (r: Reader) => r.columnWhere(orgId, 'manager_id', managers),
      managers.length * REPORTS_EACH,
    ],
    [
      'links (who ever named 500 managers)',
      (r: Reader) => r.links(orgId, managers),
      managers.length * REPORTS_EACH,
    ],
    // the walk's next level: the reports of 4,000 people who manage no one
    [
      "a column's values (the reports of 4,000 people)",
      (r: Reader) => r.columnWhere(orgId, 'manager_id', people),
      0,
    ],
    ['links (who ever named 4,000 people)', (r: Reader) => r.links(orgId, people), 0],
  ])('%s', async (_, read, expected) => {
    const { found, rows, seqScans } = await measuredRead(read);
    expect(found).toHaveLength(expected);
    expect(seqScans).toEqual([]);
    // each id asked: the id, its index entry and its row (the org holds PEOPLE rows)
    expect(rows).toBeLessThan(Math.max(expected, people.length) * 5);
  });

  it('of 500 managers and 4,000 people, those someone ever named are the managers, each found by one probe', async () => {
    const asked = [...managers, ...people, managers[0]];
    const { found, rows, seqScans } = await measuredRead((r) => r.linkedAmong(orgId, asked));
    expect([...found].sort()).toEqual([...managers].sort());
    expect(seqScans).toEqual([]);
    // each id, and the first link of each of the 500 named: about 5,000 (all their REPORTS_EACH links 8,500)
    expect(rows).toBeLessThan(asked.length + 2 * managers.length);
  });

  it("the reports' rows are the asked managers' reports", async () => {
    const { found } = await measuredRead((r) => r.columnWhere(orgId, 'manager_id', managers));
    expect(found.map((row) => row.subjectId).sort()).toEqual(managers.flatMap(reportsOf).sort());
  });

  it('the heads linked to 500 managers and changed after t: none changed, so little read', async () => {
    const { found, rows, seqScans } = await measuredRead((r) =>
      r.linkedHeadsAfter(orgId, managers, START + PEOPLE - 10),
    );
    // the ten registered last changed after t, and none of them reports to an asked manager: at most the
    // asked managers' links are read (the org holds PEOPLE)
    expect(found).toEqual([]);
    expect(seqScans).toEqual([]);
    expect(rows).toBeLessThan(4 * managers.length * REPORTS_EACH);
  });
});
