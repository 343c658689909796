import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testEnvironment } from './test-environment';

/** A database of the suite's own, on the server `npm test` uses; dropped by `drop()`. */
export class TestDatabase {
  private constructor(
    readonly url: string,
    private readonly name: string,
  ) {}

  static async create(label: string): Promise<TestDatabase> {
    const base = new URL(testEnvironment().databaseUrl);
    const name = `${base.pathname.slice(1)}_${label}_${randomBytes(3).toString('hex')}`.slice(0, 63);
    await TestDatabase.admin(async (client) => client.query(`CREATE DATABASE "${name}"`));
    const url = new URL(base.toString());
    url.pathname = `/${name}`;
    return new TestDatabase(url.toString(), name);
  }

  async drop(): Promise<void> {
    await TestDatabase.admin(async (client) =>
      client.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`),
    );
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private static async admin(work: (client: Client) => Promise<unknown>): Promise<void> {
    const url = new URL(testEnvironment().databaseUrl);
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  }
}
