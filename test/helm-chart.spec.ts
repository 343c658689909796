import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EnvSchema, loadEnv } from '@orgpulse/platform';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { parseAllDocuments } from 'yaml';
import { alerterEnv } from '../apps/alerter/src/alerter.env';
import { apiEnv } from '../apps/api/src/api.env';
import { cliEnv } from '../apps/cli/src/cli.env';
import { ingestEnv } from '../apps/ingest/src/ingest.env';
import { projectorEnv } from '../apps/projector/src/projector.env';

/**
 * The Helm chart (infra/helm/orgpulse) rendered by Helm itself (helm-java, from Maven Central), every
 * object validated against the Kubernetes API's JSON Schemas (kubernetes-models), and each app's
 * Deployment checked against the code it runs: its environment with the app's env schema, its probes
 * and Service with its port. So the chart cannot drift from the apps unnoticed.
 */

const root = join(__dirname, '..');
const EXISTING_CLUSTER = join(root, 'test/fixtures/helm/existing-cluster.values.yaml');
const apps: [string, EnvSchema, string][] = [
  ['ingest', ingestEnv, 'INGEST_PORT'],
  ['projector', projectorEnv, 'PROJECTOR_PORT'],
  ['api', apiEnv, 'API_PORT'],
  ['alerter', alerterEnv, 'ALERTER_PORT'],
];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [field: string]: unknown;
}

const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function render(...values: string[]): { status: number | null; objects: K8sObject[]; stderr: string } {
  const run = spawnSync(
    'bash',
    [join(root, 'infra/helm/helm.sh'), 'template', 'orgpulse', 'orgpulse', ...values],
    {
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  const objects = run.status === 0 ? parseAllDocuments(run.stdout).map((d) => d.toJS() as K8sObject) : [];
  return { status: run.status, objects: objects.filter(Boolean), stderr: run.stderr };
}

function valuesFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'orgpulse-helm-')), 'values.yaml');
  writeFileSync(file, yaml);
  return file;
}

const named = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};

/** The environment a container gets: its envFrom ConfigMaps and Secrets, then its own env. */
function environmentOf(container: IContainer, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, named(objects, 'ConfigMap', from.configMapRef.name ?? '').data);
    if (from.secretRef) Object.assign(env, named(objects, 'Secret', from.secretRef.name ?? '').stringData);
  }
  for (const variable of container.env ?? []) env[variable.name] = variable.value ?? '';
  return env;
}

describe('the Helm chart', () => {
  jest.setTimeout(300_000);
  let objects: K8sObject[];

  beforeAll(() => {
    const rendered = render(EXISTING_CLUSTER);
    expect(rendered.stderr.replace(/^helm\.sh: fetching.*\n/m, '')).toBe('');
    expect(rendered.status).toBe(0);
    objects = rendered.objects;
  });

  it('renders a Deployment, a Service and a disruption budget per app, its config, its secrets and a migration Job', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/orgpulse-config',
        'Secret/orgpulse-secrets',
        'Job/orgpulse-migrate-1',
        ...apps.flatMap(([app]) => [
          `Deployment/orgpulse-${app}`,
          `Service/orgpulse-${app}`,
          `PodDisruptionBudget/orgpulse-${app}`,
        ]),
      ].sort(),
    );
  });

  it('renders only objects valid against the Kubernetes API schemas', () => {
    for (const object of objects) {
      const Model = models[`${object.apiVersion}/${object.kind}`];
      expect([object.kind, Model !== undefined]).toEqual([object.kind, true]);
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it('the validation catches what the API server would refuse', () => {
    const deployment = structuredClone(named(objects, 'Deployment', 'orgpulse-api')) as unknown as Deployment;
    const container = deployment.spec?.template.spec?.containers[0] as IContainer;
    delete (container.readinessProbe?.httpGet as { port?: unknown }).port;
    expect(() => new Deployment(deployment).validate()).toThrow(
      /readinessProbe\/httpGet must have required property port/,
    );
  });

  it.each(apps)(
    'runs %s with an environment its env schema accepts, probes and a Service on its port',
    (app, schema, portVariable) => {
      const deployment = named(objects, 'Deployment', `orgpulse-${app}`) as unknown as Deployment;
      expect(deployment.spec?.replicas).toBe(2);
      const pod = deployment.spec?.template.spec;
      const [container] = pod?.containers ?? [];
      expect(container.image).toBe(`registry.example.com/orgpulse-${app}:0.1.0`);
      const env = environmentOf(container, objects);
      const config = loadEnv(schema, env) as Record<string, unknown>;
      const port = config[portVariable] as number;
      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(config).toMatchObject({
        NODE_ENV: 'production',
        KAFKA_REPLICATION_FACTOR: 3,
        KAFKA_MIN_INSYNC_REPLICAS: 2,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
        OTEL_SERVICE_NAME: `orgpulse-${app}`,
      });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.resources?.requests).toBeDefined();
      expect(container.resources?.limits?.memory).toBeDefined();
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(pod?.securityContext?.runAsNonRoot).toBe(true);
      const annotations = deployment.spec?.template.metadata?.annotations ?? {};
      expect(annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
      });

      const service = named(objects, 'Service', `orgpulse-${app}`) as unknown as Service;
      expect(service.spec?.ports).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);
      expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
      if (app === 'api') expect(env.API_RESULT_CACHE_MS).toBe('2000');
    },
  );

  it('migrates with the CLI image, with the same configuration and secrets', () => {
    const job = named(objects, 'Job', 'orgpulse-migrate-1') as unknown as Job;
    const [container] = job.spec?.template.spec?.containers ?? [];
    expect(container.image).toBe('registry.example.com/orgpulse-cli:0.1.0');
    expect(container.command).toEqual(['node', 'dist/apps/cli/src/main.js', 'migrate']);
    expect(loadEnv(cliEnv, environmentOf(container, objects))).toMatchObject({
      DATABASE_URL: 'postgres://orgpulse:change-me@postgres.data.svc:5432/orgpulse',
    });
  });

  it('uses a Secret the operator manages instead of its own', () => {
    const rendered = render(
      EXISTING_CLUSTER,
      valuesFile('existingSecret: orgpulse-prod\ndatabase: { url: "" }\nsecretsKey: ""\n'),
    );
    expect(rendered.status).toBe(0);
    expect(rendered.objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const deployment = named(rendered.objects, 'Deployment', 'orgpulse-ingest') as unknown as Deployment;
    expect(deployment.spec?.template.spec?.containers[0].envFrom).toContainEqual({
      secretRef: { name: 'orgpulse-prod' },
    });
  });

  it.each([
    ['no Kafka brokers', 'kafka: { brokers: "" }\n', /kafka\.brokers is required/],
    ['no database and no existing secret', 'database: { url: "" }\n', /database\.url is required/],
    ['a secrets key that is not 32 bytes in base64', 'secretsKey: "short"\n', /secretsKey/],
    ['brokers that are not host:port', 'kafka: { brokers: "kafka" }\n', /brokers/],
  ])('refuses to render with %s, naming the value', (_given, values, message) => {
    const rendered = render(EXISTING_CLUSTER, valuesFile(values));
    expect(rendered.status).toBe(1);
    expect(rendered.stderr).toMatch(message);
  });
});
