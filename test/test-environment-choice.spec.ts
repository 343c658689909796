import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * How the test command picks its Kafka and PostgreSQL (infra/scripts/test-containers.mjs, used by
 * infra/scripts/lib.sh): Testcontainers with a container runtime, the local ones without.
 */
const script = join(__dirname, '..', 'infra', 'scripts', 'test-containers.mjs');

type Env = Record<string, string>;
type Runtime = { available: boolean; detail: string };
type Choice = { kafka: string; postgres: string; reason: string } | { error: string };

/** Runs chooseTestEnvironment of the real script (an ES module) in a node of its own. */
function choose(cases: [Env, Runtime][]): Choice[] {
  const program = `
    const { chooseTestEnvironment } = await import(${JSON.stringify(script)});
    const cases = JSON.parse(process.argv[1]);
    console.log(JSON.stringify(cases.map(([env, runtime]) => {
      try { return chooseTestEnvironment(env, runtime); } catch (error) { return { error: error.message }; }
    })));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', program, JSON.stringify(cases)], {
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Choice[];
}

const docker: Runtime = { available: true, detail: 'unix:///var/run/docker.sock' };
const none: Runtime = { available: false, detail: 'Could not find a working container runtime strategy' };
const given = { KAFKA_BROKERS: 'kafka:9092', DATABASE_URL: 'postgres://u@db:5432/x' };

describe('the test environment choice', () => {
  it('takes Testcontainers for Kafka and PostgreSQL when a container runtime answers, and says so', () => {
    expect(choose([[{}, docker]])).toEqual([
      {
        kafka: 'container',
        postgres: 'container',
        reason:
          'test environment: Kafka Testcontainers, PostgreSQL Testcontainers: ' +
          'a container runtime answers (unix:///var/run/docker.sock)',
      },
    ]);
  });

  it('keeps the local broker and PostgreSQL without a container runtime, and says why', () => {
    expect(choose([[{}, none]])).toEqual([
      {
        kafka: 'local',
        postgres: 'local',
        reason:
          'test environment: Kafka local, PostgreSQL local: ' +
          'no container runtime answers (Could not find a working container runtime strategy)',
      },
    ]);
  });

  it('uses KAFKA_BROKERS and DATABASE_URL as given, and containers only for what is not given', () => {
    const [both, kafkaOnly, databaseOnly] = choose([
      [given, docker],
      [{ KAFKA_BROKERS: given.KAFKA_BROKERS }, docker],
      [{ DATABASE_URL: given.DATABASE_URL }, none],
    ]);
    expect(both).toMatchObject({ kafka: 'given', postgres: 'given' });
    expect(kafkaOnly).toMatchObject({ kafka: 'given', postgres: 'container' });
    expect(databaseOnly).toMatchObject({ kafka: 'local', postgres: 'given' });
    expect(kafkaOnly).toMatchObject({ reason: expect.stringContaining('Kafka as given (KAFKA_BROKERS)') });
  });

  it('follows ORGPULSE_TEST_ENV, and refuses containers without a runtime or an unknown value', () => {
    expect(
      choose([
        [{ ORGPULSE_TEST_ENV: 'local' }, docker],
        [{ ORGPULSE_TEST_ENV: 'containers' }, docker],
        [{ ORGPULSE_TEST_ENV: 'containers' }, none],
        [{ ORGPULSE_TEST_ENV: 'docker' }, docker],
      ]),
    ).toEqual([
      {
        kafka: 'local',
        postgres: 'local',
        reason: 'test environment: Kafka local, PostgreSQL local: ORGPULSE_TEST_ENV=local',
      },
      expect.objectContaining({ kafka: 'container', postgres: 'container' }),
      {
        error:
          'ORGPULSE_TEST_ENV=containers, but no container runtime answers ' +
          '(Could not find a working container runtime strategy)',
      },
      { error: 'ORGPULSE_TEST_ENV must be containers or local, not "docker"' },
    ]);
  });
});
