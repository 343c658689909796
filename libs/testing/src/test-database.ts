import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testEnvironment } from './test-environment';

/** A database of the suite's own, on the server `npm test` uses; dropped by `drop()`. */
export class TestDatabase {
  private constructor(
    readonly url: string,
    private readonly name: string,
  ) {}

  /**
   * `icuLocale` orders text as that locale does (e.g. `en-US`, as the `postgres` image's default
   * en_US.utf8 does: `'alice' < 'Bob'`), where the server's default here may be bytewise.
   */
  static async create(label: string, options: { icuLocale?: string } = {}): Promise<TestDatabase> {
    const base = new URL(testEnvironment().databaseUrl);
    const name = `${base.pathname.slice(1)}_${label}_${randomBytes(3).toString('hex')}`.slice(0, 63);
    const locale = options.icuLocale;
    if (locale !== undefined && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale))
      throw new Error(`icuLocale: not a BCP 47 tag: ${JSON.stringify(locale)}`);
    const collated =
      locale === undefined ? '' : ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${locale}'`;
    await TestDatabase.admin(async (client) => client.query(`CREATE DATABASE "${name}"${collated}`));
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
