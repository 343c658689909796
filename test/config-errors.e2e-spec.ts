import { type AppName, freePort, spawnApp, testEnvironment } from '@orgpulse/testing';

/** A bad or unreachable variable stops the app with one line naming it, not a stack trace. */
describe('configuration is validated at boot', () => {
  jest.setTimeout(120_000);

  const portVariable: Record<AppName, string> = {
    ingest: 'INGEST_PORT',
    api: 'API_PORT',
    projector: 'PROJECTOR_PORT',
    alerter: 'ALERTER_PORT',
  };

  async function boot(app: AppName, overrides: Record<string, string | undefined>) {
    const { databaseUrl, kafkaBrokers } = testEnvironment();
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers,
      [portVariable[app]]: String(await freePort()),
      HOST: '127.0.0.1',
      STARTUP_TIMEOUT_MS: '1000',
    };
    for (const [name, value] of Object.entries(overrides)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    const child = spawnApp(app, { ...env, LOG_LEVEL: 'info' });
    const timer = setTimeout(() => child.child.kill('SIGKILL'), 30_000);
    const exit = await child.exited.finally(() => clearTimeout(timer));
    return { code: exit.code, stderr: child.stderr.trim(), stdout: child.stdout };
  }

  const unusedPort = async () => String(await freePort());

  type Overrides = Record<string, string | undefined>;
  const cases: [string, AppName, () => Overrides | Promise<Overrides>, string, RegExp][] = [
    ['missing DATABASE_URL', 'ingest', () => ({ DATABASE_URL: undefined }), 'DATABASE_URL', /is required/],
    ['malformed DATABASE_URL', 'ingest', () => ({ DATABASE_URL: 'not a url' }), 'DATABASE_URL', /is invalid/],
    [
      'unreachable DATABASE_URL',
      'ingest',
      async () => ({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await unusedPort()}/x` }),
      'DATABASE_URL',
      /cannot connect/,
    ],
    [
      'malformed KAFKA_BROKERS',
      'ingest',
      () => ({ KAFKA_BROKERS: 'localhost' }),
      'KAFKA_BROKERS',
      /is invalid/,
    ],
    [
      'unreachable KAFKA_BROKERS',
      'ingest',
      async () => ({ KAFKA_BROKERS: `127.0.0.1:${await unusedPort()}` }),
      'KAFKA_BROKERS',
      /cannot reach/,
    ],
    ['bad port', 'ingest', () => ({ INGEST_PORT: '99999' }), 'INGEST_PORT', /is invalid/],
    // empty counts as missing (an undefined override would leave the test key spawnApp supplies)
    [
      'missing ORGPULSE_SECRETS_KEY',
      'ingest',
      () => ({ ORGPULSE_SECRETS_KEY: '' }),
      'ORGPULSE_SECRETS_KEY',
      /is required/,
    ],
    [
      'missing ORGPULSE_SECRETS_KEY',
      'api',
      () => ({ ORGPULSE_SECRETS_KEY: '' }),
      'ORGPULSE_SECRETS_KEY',
      /is required/,
    ],
    [
      'a short ORGPULSE_SECRETS_KEY',
      'api',
      () => ({ ORGPULSE_SECRETS_KEY: 'c2hvcnQ=' }),
      'ORGPULSE_SECRETS_KEY',
      /is invalid/,
    ],
    [
      'unreachable DATABASE_URL',
      'api',
      async () => ({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await unusedPort()}/x` }),
      'DATABASE_URL',
      /cannot connect/,
    ],
    [
      'unreachable KAFKA_BROKERS',
      'api',
      async () => ({ KAFKA_BROKERS: `127.0.0.1:${await unusedPort()}` }),
      'KAFKA_BROKERS',
      /cannot reach/,
    ],
    [
      'malformed DATABASE_URL',
      'projector',
      () => ({ DATABASE_URL: 'mysql://x/y' }),
      'DATABASE_URL',
      /is invalid/,
    ],
    [
      'unreachable KAFKA_BROKERS',
      'projector',
      async () => ({ KAFKA_BROKERS: `127.0.0.1:${await unusedPort()}` }),
      'KAFKA_BROKERS',
      /cannot reach/,
    ],
    [
      'malformed KAFKA_BROKERS',
      'alerter',
      () => ({ KAFKA_BROKERS: '127.0.0.1:0' }),
      'KAFKA_BROKERS',
      /is invalid/,
    ],
    [
      'unreachable DATABASE_URL',
      'alerter',
      async () => ({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await unusedPort()}/x` }),
      'DATABASE_URL',
      /cannot connect/,
    ],
  ];

  it.each(cases)('%s stops %s with one line naming %s', async (_case, app, overrides, variable, detail) => {
    const { code, stderr } = await boot(app, await overrides());
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^orgpulse-${app}: ${variable}: `));
    expect(stderr).toMatch(detail);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
