import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * A connection's statements, sent one after the other in the order they were asked for: several callers
 * of one transaction may then go on with their own work while PostgreSQL runs another's statement.
 * node-postgres queues a query asked for while one runs, but deprecates doing so (gone in pg 9).
 */
export class StatementLine {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.last.then(work);
    this.last = turn.catch(() => undefined);
    return turn;
  }
}

const lines = new WeakMap<QueryRunner, StatementLine>();

/** The line of a transaction's connection (one per query runner). */
export function lineOf(runner: QueryRunner): StatementLine {
  let line = lines.get(runner);
  if (line === undefined) lines.set(runner, (line = new StatementLine()));
  return line;
}

const lined = new WeakSet<EntityManager>();

/**
 * The transaction's manager with its statements in its connection's line: callers that run side by side
 * take turns, and COPYs (copyInto) wait in the same line. Outside a transaction, the manager as it is
 * (each statement takes a connection of the pool). A manager in line already is returned as it is (one
 * in line twice would wait for its own turn).
 */
export function inLine(tx: EntityManager): EntityManager {
  const runner = tx.queryRunner;
  if (runner === undefined || lined.has(tx)) return tx;
  const line = lineOf(runner);
  const manager = new Proxy(tx, {
    get: (target, key, receiver) =>
      key === 'query'
        ? (sql: string, params?: unknown[]) => line.run(() => target.query(sql, params))
        : (Reflect.get(target, key, receiver) as unknown),
  });
  lined.add(manager);
  return manager;
}

/** PostgreSQL's answer to a statement sent after its transaction failed: a consequence, never the cause. */
const IN_FAILED_TRANSACTION = '25P02';

/**
 * Why work that ran side by side in one transaction failed, given its failures as they came: the first
 * that is not PostgreSQL's "current transaction is aborted" (what every statement queued behind the
 * failing one gets), else the first. Telling the cause decides whether a batch is retried or isolated.
 */
export function causeOf(failures: readonly unknown[]): unknown {
  const aborted = (error: unknown) => (error as { code?: unknown } | null)?.code === IN_FAILED_TRANSACTION;
  return failures.find((error) => !aborted(error)) ?? failures[0];
}
