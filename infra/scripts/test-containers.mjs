#!/usr/bin/env node
// Where the test command's Kafka and PostgreSQL come from. With a container runtime (a Docker engine)
// Testcontainers starts both (@testcontainers/kafka, @testcontainers/postgresql); without one, the local
// broker (infra/kafka/kafka.sh) and PostgreSQL (infra/postgres/postgres.mjs) are used, as infra/scripts/lib.sh
// does. KAFKA_BROKERS / DATABASE_URL, when set, are used as they are.
//
// Usage:
//   node infra/scripts/test-containers.mjs choose
//       prints "<kafka> <postgres>", each one of container, local, given, on stdout; why on stderr
//   node infra/scripts/test-containers.mjs start --out FILE --database NAME [--kafka] [--postgres]
//       starts the containers asked for, writes KAFKA_BROKERS=... and DATABASE_URL=... lines to FILE once
//       they answer, and keeps them until SIGTERM or SIGINT (or until its parent process is gone)
//
// ORGPULSE_TEST_ENV=containers|local forces a choice (containers fails without a runtime).
import { rename, writeFile } from 'node:fs/promises';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0'; // Apache Kafka 3.9, as infra/kafka/kafka.sh runs
export const POSTGRES_IMAGE = 'postgres:15-alpine';

/**
 * The choice, from the environment and whether a container runtime answered: for Kafka and for
 * PostgreSQL, 'given' (the variable is set), 'container' or 'local'; and a sentence saying why.
 */
export function chooseTestEnvironment(env, runtime) {
  const forced = env.ORGPULSE_TEST_ENV ?? '';
  if (!['', 'containers', 'local'].includes(forced))
    throw new Error(`ORGPULSE_TEST_ENV must be containers or local, not ${JSON.stringify(forced)}`);
  if (forced === 'containers' && !runtime.available)
    throw new Error(`ORGPULSE_TEST_ENV=containers, but no container runtime answers (${runtime.detail})`);
  const containers = forced === 'containers' || (forced === '' && runtime.available);
  const source = (variable) => (env[variable] ? 'given' : containers ? 'container' : 'local');
  const kafka = source('KAFKA_BROKERS');
  const postgres = source('DATABASE_URL');
  const why =
    forced === 'local'
      ? 'ORGPULSE_TEST_ENV=local'
      : containers
        ? `a container runtime answers (${runtime.detail})`
        : `no container runtime answers (${runtime.detail})`;
  const label = { given: 'as given', container: 'Testcontainers', local: 'local' };
  const reason =
    `test environment: Kafka ${label[kafka]}${kafka === 'given' ? ' (KAFKA_BROKERS)' : ''}, ` +
    `PostgreSQL ${label[postgres]}${postgres === 'given' ? ' (DATABASE_URL)' : ''}: ${why}`;
  return { kafka, postgres, reason };
}

/** Whether Testcontainers finds a container runtime (DOCKER_HOST, ~/.testcontainers.properties, the socket). */
async function detectRuntime() {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return { available: true, detail: `${client.info.containerRuntime.host}` };
  } catch (error) {
    return { available: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

function option(args, name) {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function start(args) {
  const envFile = option(args, '--out');
  const database = option(args, '--database') ?? 'orgpulse_test';
  if (!envFile) throw new Error('start needs --out FILE');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`not a database name: ${database}`);
  const started = [];
  let stopping;
  const stop = () =>
    (stopping ??= Promise.allSettled(started.map((container) => container.stop())).then(() => undefined));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'])
    process.on(signal, () => void stop().then(() => process.exit(0)));
  const parent = process.ppid;
  const watch = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      void stop().then(() => process.exit(0));
    }
  }, 2_000);

  try {
    const lines = [];
    const kafka = args.includes('--kafka')
      ? import('@testcontainers/kafka').then(async ({ KafkaContainer }) => {
          const container = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
          started.push(container);
          lines.push(`KAFKA_BROKERS=${container.getHost()}:${container.getMappedPort(9093)}`);
        })
      : undefined;
    const postgres = args.includes('--postgres')
      ? import('@testcontainers/postgresql').then(async ({ PostgreSqlContainer }) => {
          const container = await new PostgreSqlContainer(POSTGRES_IMAGE)
            .withDatabase(database)
            .withUsername('postgres')
            .withPassword('postgres')
            .start();
          started.push(container);
          lines.push(`DATABASE_URL=${container.getConnectionUri()}`);
        })
      : undefined;
    await Promise.all([kafka, postgres]);
    // written whole or not at all: the shell waits for the file to appear
    await writeFile(`${envFile}.tmp`, `${lines.join('\n')}\n`);
    await rename(`${envFile}.tmp`, envFile);
    process.stderr.write(`test-containers: ${lines.map((l) => l.split('=')[0]).join(', ')} ready\n`);
  } catch (error) {
    clearInterval(watch);
    await stop();
    throw error;
  }
}

async function main(args) {
  const command = args[0];
  if (command === 'choose') {
    const choice = chooseTestEnvironment(process.env, await detectRuntime());
    process.stderr.write(`${choice.reason}\n`);
    process.stdout.write(`${choice.kafka} ${choice.postgres}\n`);
    return;
  }
  if (command === 'start') return start(args.slice(1));
  throw new Error(
    'usage: test-containers.mjs choose | start --out FILE --database NAME [--kafka] [--postgres]',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`test-containers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
