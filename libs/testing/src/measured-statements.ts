import type { DataSource, EntityManager } from 'typeorm';

/** One statement sent in a measured transaction, with what its plan touched (EXPLAIN ANALYZE). */
export interface MeasuredStatement {
  sql: string;
  /** rows every plan node produced or filtered away, times its loops: the work, not its time */
  rowsTouched: number;
  /** relations read whole (Seq Scan) */
  seqScans: string[];
  /** every plan node, as its type and the relation it reads if any: "Index Scan team_weeks", "CTE Scan" */
  nodes: string[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Rows Removed by Join Filter'?: number;
  Plans?: PlanNode[];
}

function summarize(node: PlanNode, into: Omit<MeasuredStatement, 'sql'>): void {
  const removed =
    (node['Rows Removed by Filter'] ?? 0) +
    (node['Rows Removed by Index Recheck'] ?? 0) +
    (node['Rows Removed by Join Filter'] ?? 0);
  into.rowsTouched += (node['Actual Rows'] + removed) * Math.max(1, node['Actual Loops']);
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) into.seqScans.push(node['Relation Name']);
  into.nodes.push([node['Node Type'], node['Relation Name']].filter(Boolean).join(' '));
  for (const child of node.Plans ?? []) summarize(child, into);
}

const DATA = /^\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\b/i;

/**
 * Wraps a data source so that every statement of its transactions is first run under EXPLAIN ANALYZE in
 * a savepoint that is rolled back (same data, same locks taken and let go), then for real: a test sees how
 * many statements a piece of work sends and how many rows each touches, which do not depend on timing.
 */
export function measureStatements(db: DataSource): { db: DataSource; statements: MeasuredStatement[] } {
  const statements: MeasuredStatement[] = [];
  const measured = (tx: EntityManager): EntityManager =>
    new Proxy(tx, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
        return async (sql: string, params?: unknown[]) => {
          const statement: MeasuredStatement = { sql, rowsTouched: 0, seqScans: [], nodes: [] };
          if (DATA.test(sql) && !/pg_advisory/i.test(sql)) {
            await target.query('SAVEPOINT measured');
            const [row]: { 'QUERY PLAN': { Plan: PlanNode }[] }[] = await target.query(
              `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
              params,
            );
            await target.query('ROLLBACK TO SAVEPOINT measured');
            summarize(row['QUERY PLAN'][0].Plan, statement);
          }
          statements.push(statement);
          return target.query<unknown>(sql, params);
        };
      },
    });
  const wrapped = {
    manager: db.manager,
    query: db.query.bind(db),
    transaction: <T>(work: (tx: EntityManager) => Promise<T>) => db.transaction((tx) => work(measured(tx))),
  };
  return { db: wrapped as unknown as DataSource, statements };
}
