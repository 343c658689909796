import type { DataSource } from 'typeorm';

/**
 * The database as a request's reads use it, recording the SQL of each statement they send (and, at the
 * same index, its parameters).
 */
export function recordingStatements(db: DataSource): {
  db: DataSource;
  sent: string[];
  params: (unknown[] | undefined)[];
} {
  const sent: string[] = [];
  const params: (unknown[] | undefined)[] = [];
  const recording = new Proxy(db, {
    get: (target, key, receiver) =>
      key === 'query'
        ? (sql: string, values?: unknown[]) => {
            sent.push(sql);
            params.push(values);
            return target.query(sql, values);
          }
        : (Reflect.get(target, key, receiver) as unknown),
  });
  return { db: recording, sent, params };
}
