import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EnvSchema, loadEnv } from '@orgpulse/platform';
import { type AppName, appNodeOptions } from '@orgpulse/testing';
import { parse } from 'yaml';
import { alerterEnv } from '../apps/alerter/src/alerter.env';
import { apiEnv } from '../apps/api/src/api.env';
import { cliEnv, cliImportEnv } from '../apps/cli/src/cli.env';
import { ingestEnv } from '../apps/ingest/src/ingest.env';
import { projectorEnv } from '../apps/projector/src/projector.env';

/**
 * docker-compose.yml against the code it runs: each app service's variables are checked with that app's
 * env schema, its ports and health check with its port variable, and its DATABASE_URL and KAFKA_BROKERS
 * with the postgres and kafka services, so the file cannot drift from the apps unnoticed.
 */

type EnvValue = string | number | boolean | null;
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, EnvValue> | string[] };
  environment?: Record<string, EnvValue> | string[];
  ports?: (string | number | { target: number | string; published?: number | string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  stop_grace_period?: string;
  restart?: string;
  profiles?: string[];
}
interface ComposeFile {
  version?: unknown;
  services: Record<string, ComposeService>;
}

const root = join(__dirname, '..');
const DOCKERFILE = 'infra/docker/Dockerfile';
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
// merge: compose resolves YAML merge keys (<<: *anchor).
const parsed: unknown = parse(composeText, { merge: true });
const compose = parsed as ComposeFile;
const services = compose.services;

/** The long-running services, each with its env schema and the variable holding its HTTP port. */
const appServices: [string, { schema: EnvSchema; portVariable: string }][] = [
  ['ingest', { schema: ingestEnv, portVariable: 'INGEST_PORT' }],
  ['projector', { schema: projectorEnv, portVariable: 'PROJECTOR_PORT' }],
  ['api', { schema: apiEnv, portVariable: 'API_PORT' }],
  ['alerter', { schema: alerterEnv, portVariable: 'ALERTER_PORT' }],
];
/** Every service built from the Dockerfile, with the schema its app reads the environment with. */
const builtServices: [string, EnvSchema][] = [
  ...appServices.map(([name, { schema }]): [string, EnvSchema] => [name, schema]),
  // every command reads cliEnv; events import also sends through Kafka
  ['cli', { ...cliEnv, ...cliImportEnv }],
];

/** The Kafka cluster's nodes: the services that run the Kafka image. */
const kafkaNodes = Object.keys(services).filter((name) => services[name].image?.startsWith('apache/kafka:'));

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** ${NAME:-default} and ${NAME-default} as compose resolves them with NAME unset; $$ is a literal $. */
function interpolate(raw: string): string {
  return raw.replace(/\$\$|\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, (match, fallback: string | undefined) =>
    match === '$$' ? '$' : (fallback ?? ''),
  );
}

function keyValues(entries: Record<string, EnvValue> | string[] | undefined): Record<string, string | null> {
  if (entries === undefined) return {};
  if (Array.isArray(entries)) {
    return Object.fromEntries(
      entries.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, null] : [entry.slice(0, at), interpolate(entry.slice(at + 1))];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(entries).map(([name, value]) => [
      name,
      value === null ? null : interpolate(String(value)),
    ]),
  );
}

/** The service's environment; null for a variable passed through from the host (no value in the file). */
function environmentOf(name: string): Record<string, string | null> {
  return keyValues(service(name).environment);
}

function buildOf(name: string): {
  context?: string;
  dockerfile?: string;
  args: Record<string, string | null>;
} {
  const build = service(name).build;
  if (build === undefined) return { args: {} };
  if (typeof build === 'string') return { context: build, args: {} };
  return { context: build.context, dockerfile: build.dockerfile, args: keyValues(build.args) };
}

/** Published and container ports, from the short ("[ip:]host:container[/proto]") or long syntax. */
function portsOf(name: string): { published?: number; target: number }[] {
  return (service(name).ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        target: Number(port.target),
        published: port.published === undefined ? undefined : Number(port.published),
      };
    }
    const parts = interpolate(String(port)).split('/')[0].split(':');
    return { target: Number(parts.at(-1)), published: parts.length > 1 ? Number(parts.at(-2)) : undefined };
  });
}

function dependenciesOf(name: string): Record<string, string | undefined> {
  const dependsOn = service(name).depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((dep) => [dep, undefined]));
  return Object.fromEntries(Object.entries(dependsOn).map(([dep, spec]) => [dep, spec.condition]));
}

function healthcheckCommand(name: string): string {
  const healthcheck = service(name).healthcheck;
  if (!healthcheck || healthcheck.disable) return '';
  const test = healthcheck.test ?? [];
  const command = typeof test === 'string' ? test : test[0] === 'NONE' ? '' : test.slice(1).join(' ');
  return command.trim();
}

/** A compose duration such as 30s or 1m30s, in milliseconds. */
function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value)
    throw new Error(`not a duration: ${value}`);
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit], 0);
}

/** The value the app reads: what compose sets, else the schema default. */
function effectiveValue(name: string, schema: EnvSchema, variable: string): string | undefined {
  const set = environmentOf(name)[variable];
  return set === undefined || set === null || set === '' ? schema[variable]?.defaultValue : set;
}

/** NAME://host:port entries of a Kafka listener list, by listener name. */
function kafkaListeners(value: string | null | undefined): Map<string, { host: string; port: number }> {
  const listeners = new Map<string, { host: string; port: number }>();
  for (const entry of (value ?? '').split(',').filter((e) => e.trim() !== '')) {
    const match = /^([A-Za-z0-9_]+):\/\/(.*):(\d+)$/.exec(entry.trim());
    if (!match) throw new Error(`not a Kafka listener: ${entry}`);
    listeners.set(match[1], { host: match[2], port: Number(match[3]) });
  }
  return listeners;
}

describe('docker-compose.yml', () => {
  it('is a Compose spec file (no obsolete version key)', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'cli', ...appServices.map(([n]) => n)]),
    );
    expect(kafkaNodes).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
  });

  it.each([...kafkaNodes, 'postgres'])('%s has a health check for service_healthy to wait on', (name) => {
    expect(healthcheckCommand(name)).not.toBe('');
  });

  describe('the Kafka cluster', () => {
    const nodeEnvironment = (name: string) => keyValues(service(name).environment);

    it('is one KRaft cluster: one cluster id, distinct node ids, every node a broker and a voter', () => {
      const nodes = kafkaNodes.map((name) => ({ name, env: nodeEnvironment(name) }));
      expect(new Set(nodes.map((n) => n.env.CLUSTER_ID)).size).toBe(1);
      expect(nodes[0].env.CLUSTER_ID).toBeTruthy();
      const ids = nodes.map((n) => Number(n.env.KAFKA_NODE_ID));
      expect(new Set(ids).size).toBe(nodes.length);
      for (const { name, env } of nodes) {
        expect(env.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
        const controller = kafkaListeners(env.KAFKA_LISTENERS).get(env.KAFKA_CONTROLLER_LISTENER_NAMES ?? '');
        expect(controller).toBeDefined();
        const voters = (env.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '').split(',');
        expect(voters).toHaveLength(nodes.length);
        expect(voters).toContain(`${env.KAFKA_NODE_ID}@${name}:${controller?.port}`);
      }
    });

    it('keeps Kafka on the internal network: no node publishes a port to the host', () => {
      expect(kafkaNodes.map((name) => [name, portsOf(name)])).toEqual(kafkaNodes.map((name) => [name, []]));
    });

    it("replicates Kafka's own topics 3 times, with min.insync.replicas 2 (one node may be down)", () => {
      for (const name of kafkaNodes) {
        const env = nodeEnvironment(name);
        expect({
          name,
          offsets: Number(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR),
          transactions: Number(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR),
          transactionsMinIsr: Number(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR),
          defaultReplication: Number(env.KAFKA_DEFAULT_REPLICATION_FACTOR),
          minIsr: Number(env.KAFKA_MIN_INSYNC_REPLICAS),
          unclean: env.KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE ?? 'false',
        }).toEqual({
          name,
          offsets: 3,
          transactions: 3,
          transactionsMinIsr: 2,
          defaultReplication: 3,
          minIsr: 2,
          unclean: 'false',
        });
      }
    });
  });

  describe.each(builtServices)('%s (built from the Dockerfile)', (name, schema) => {
    it(`builds ${DOCKERFILE} from the repository root with APP=${name}, an app with a main.ts`, () => {
      expect(buildOf(name)).toEqual({ context: '.', dockerfile: DOCKERFILE, args: { APP: name } });
      expect(existsSync(join(root, DOCKERFILE))).toBe(true);
      expect(existsSync(join(root, 'apps', name, 'src', 'main.ts'))).toBe(true);
    });

    it("sets only variables of the app's env schema, each with a value", () => {
      const environment = environmentOf(name);
      expect(Object.keys(environment).filter((variable) => !Object.hasOwn(schema, variable))).toEqual([]);
      expect(Object.keys(environment).filter((variable) => environment[variable] === null)).toEqual([]);
    });

    it('sets every required variable (one without a default)', () => {
      const environment = environmentOf(name);
      const required = Object.keys(schema).filter((variable) => schema[variable].defaultValue === undefined);
      expect(required.filter((variable) => !environment[variable])).toEqual([]);
    });

    it("sets values the app's env schema accepts", () => {
      const rejected = Object.entries(environmentOf(name))
        .filter(([variable, value]) => Object.hasOwn(schema, variable) && value !== null)
        .filter(([variable, value]) => schema[variable].parse((value ?? '').trim()) === undefined)
        .map(([variable, value]) => `${variable}=${value} (expected ${schema[variable].expected})`);
      expect(rejected).toEqual([]);
    });

    if ('NODE_ENV' in schema)
      it('runs in production: no introspection, and no endpoint without a token names an internal error', () => {
        expect(effectiveValue(name, schema, 'NODE_ENV')).toBe('production');
      });

    if ('DATABASE_URL' in schema)
      it('points DATABASE_URL at the postgres service, its port and its credentials', () => {
        const url = new URL(effectiveValue(name, schema, 'DATABASE_URL') ?? '');
        expect(url.hostname).toBe('postgres');
        const postgres = keyValues(service('postgres').environment);
        expect(Number(url.port || 5432)).toBe(Number(postgres.PGPORT ?? 5432));
        const user = postgres.POSTGRES_USER ?? 'postgres';
        expect({
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          database: decodeURIComponent(url.pathname.slice(1)),
        }).toEqual({ user, password: postgres.POSTGRES_PASSWORD, database: postgres.POSTGRES_DB ?? user });
      });

    if ('KAFKA_BROKERS' in schema) {
      it('points KAFKA_BROKERS at every Kafka node, on a plaintext listener it advertises under its service name', () => {
        const brokers = (effectiveValue(name, schema, 'KAFKA_BROKERS') ?? '').split(',').map((b) => b.trim());
        expect(brokers.map((broker) => broker.split(':')[0]).sort()).toEqual([...kafkaNodes].sort());
        const actual = brokers.map((broker) => {
          const [host, port] = broker.split(':');
          const kafka = keyValues(service(host).environment);
          const listeners = kafkaListeners(kafka.KAFKA_LISTENERS);
          const advertised = kafkaListeners(kafka.KAFKA_ADVERTISED_LISTENERS);
          const protocols = new Map(
            (kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '')
              .split(',')
              .map((e) => e.trim().split(':') as [string, string]),
          );
          const controllers = (kafka.KAFKA_CONTROLLER_LISTENER_NAMES ?? '').split(',');
          const listener =
            [...listeners].find(([, address]) => address.port === Number(port))?.[0] ?? 'none on that port';
          return {
            broker,
            listener,
            controller: controllers.includes(listener),
            advertised: advertised.get(listener),
            protocol: protocols.get(listener) ?? listener,
          };
        });
        expect(actual).toEqual(
          actual.map(({ broker, listener }) => ({
            broker,
            listener,
            controller: false,
            advertised: { host: broker.split(':')[0], port: Number(broker.split(':')[1]) },
            protocol: 'PLAINTEXT',
          })),
        );
      });

      it('creates its topics with 3 replicas and min.insync.replicas 2: acks=all survives one broker down', () => {
        const replication = Number(effectiveValue(name, schema, 'KAFKA_REPLICATION_FACTOR'));
        const minInsync = Number(effectiveValue(name, schema, 'KAFKA_MIN_INSYNC_REPLICAS'));
        expect({ replication, minInsync }).toEqual({ replication: 3, minInsync: 2 });
        expect(replication).toBeLessThanOrEqual(kafkaNodes.length);
      });
    }

    it("is accepted as a whole by the app's env schema (rules across variables included)", () => {
      const environment = Object.fromEntries(
        Object.entries(environmentOf(name)).filter((entry): entry is [string, string] => entry[1] !== null),
      );
      expect(() => loadEnv(schema, environment)).not.toThrow();
    });

    // Services run migrations and create topics at start, so they wait for what they connect to.
    const needed = [
      ...('KAFKA_BROKERS' in schema ? kafkaNodes : []),
      ...('DATABASE_URL' in schema ? ['postgres'] : []),
    ];
    it(`depends on ${needed.join(' and ')} with condition service_healthy`, () => {
      expect(dependenciesOf(name)).toEqual(Object.fromEntries(needed.map((dep) => [dep, 'service_healthy'])));
    });
  });

  describe.each(appServices)('%s (long-running)', (name, { schema, portVariable }) => {
    const port = () => schema[portVariable].parse(effectiveValue(name, schema, portVariable) ?? '') as number;

    it(`publishes ${portVariable} on the same host port`, () => {
      expect(portVariable in schema).toBe(true);
      expect(portsOf(name)).toEqual([{ published: port(), target: port() }]);
    });

    it(`health-checks GET /health on ${portVariable}`, () => {
      const command = healthcheckCommand(name);
      expect(command).toMatch(new RegExp(`:${port()}/health(?![\\w/.-])`));
      // The runtime image has node but neither curl nor wget.
      expect(command.split(/\s+/)[0]).toBe('node');
    });

    it('restarts unless stopped, and is given longer than SHUTDOWN_TIMEOUT_MS to stop', () => {
      expect(service(name).restart).toBe('unless-stopped');
      const shutdownMs = schema.SHUTDOWN_TIMEOUT_MS.parse(
        effectiveValue(name, schema, 'SHUTDOWN_TIMEOUT_MS') ?? '',
      );
      expect(durationMs(service(name).stop_grace_period ?? '10s')).toBeGreaterThan(shutdownMs as number);
    });
  });
});

describe(DOCKERFILE, () => {
  const dockerfile = readFileSync(join(root, DOCKERFILE), 'utf8');
  // The runtime image is the last stage.
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const instructions = runtime
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('selects the app with ARG APP / ENV APP and runs dist/apps/$APP/src/main.js with exec, as user node', () => {
    expect(instructions).toContain('ARG APP');
    expect(instructions.some((line) => /^ENV APP=\$\{?APP\}?$/.test(line))).toBe(true);
    expect(instructions.filter((line) => line.startsWith('USER '))).toEqual(['USER node']);
    const cmd = instructions.filter((line) => line.startsWith('CMD '));
    expect(cmd).toHaveLength(1);
    // with the V8 flags of infra/app-node-options for the app, as npm start and the tests run the apps
    const [, , script] = JSON.parse(cmd[0].slice('CMD '.length)) as string[];
    expect(script).toMatch(/^exec node \$\(.+\) dist\/apps\/\$APP\/src\/main\.js$/);
    const commandFor = (app: AppName) =>
      execFileSync('sh', ['-c', script.replace(/^exec node /, 'echo ')], {
        cwd: root,
        env: { PATH: process.env.PATH, APP: app },
      })
        .toString()
        .trim();
    for (const app of ['projector', 'api'] as const)
      expect(commandFor(app)).toBe([...appNodeOptions(app), `dist/apps/${app}/src/main.js`].join(' '));
    expect(appNodeOptions('projector')).not.toEqual(appNodeOptions('api'));
    expect(instructions).toContain('COPY infra/app-node-options ./infra/app-node-options');
  });

  it('builds with a layout that puts apps/<app>/src/main.ts at dist/apps/<app>/src/main.js', () => {
    type TsConfig = { extends?: string; compilerOptions?: { rootDir?: string; outDir?: string } };
    const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as TsConfig;
    const build = read('tsconfig.build.json');
    const base = build.extends ? read(build.extends) : {};
    const options = { ...base.compilerOptions, ...build.compilerOptions };
    expect({ rootDir: options.rootDir, outDir: options.outDir }).toEqual({ rootDir: '.', outDir: 'dist' });
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.build).toContain('tsconfig.build.json');
    expect(dockerfile).toContain('RUN npm run build');
    expect(instructions.some((line) => /^COPY --from=\S+ \S*dist\/? \S*dist\/?$/.test(line))).toBe(true);
  });

  it('installs only production dependencies in the runtime image', () => {
    const installs = instructions.filter((line) => /npm (ci|install)/.test(line));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) {
      for (const command of line.match(/npm (ci|install)[^|&;)]*/g) ?? [])
        expect(command).toContain('--omit=dev');
    }
  });
});
