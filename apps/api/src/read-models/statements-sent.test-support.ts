import type { DataSource } from 'typeorm';

/** The database as a request's reads use it, recording the SQL of each statement they send. */
export function recordingStatements(db: DataSource): { db: DataSource; sent: string[] } {
  const sent: string[] = [];
  const recording = new Proxy(db, {
    get: (target, key, receiver) =>
      key === 'query'
        ? (sql: string, params?: unknown[]) => {
            sent.push(sql);
            return target.query(sql, params);
          }
        : (Reflect.get(target, key, receiver) as unknown),
  });
  return { db: recording, sent };
}
