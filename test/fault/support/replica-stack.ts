import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LoadGenerator,
  type LoadOptions,
  type LoadOrg,
  type SpawnedProcess,
  TestDatabase,
  freePort,
  reconcile,
  reconciliationLine,
  reconciliationProblems,
  runCli,
  spawnApp,
  waitForHealthy,
} from '@orgpulse/testing';
import { resultsDir } from './fault-stack';

export type ReplicatedApp = 'ingest' | 'projector' | 'api' | 'alerter';
const PORT_VARIABLE: Record<ReplicatedApp, string> = {
  ingest: 'INGEST_PORT',
  projector: 'PROJECTOR_PORT',
  api: 'API_PORT',
  alerter: 'ALERTER_PORT',
};

export interface Replica {
  app: ReplicatedApp;
  index: number;
  url: string;
  process: SpawnedProcess;
}

/**
 * N replicas of each app on one database and one Kafka cluster, as a Kubernetes Deployment of each
 * would run them: the same environment, each its own port, ready once /readyz says so.
 */
export class ReplicaStack {
  readonly replicas: Replica[] = [];
  readonly orgs: LoadOrg[] = [];
  readonly startedAt = Date.now();
  readonly timeline: { atMs: number; what: string }[] = [];

  private constructor(
    readonly scenario: string,
    readonly db: TestDatabase,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(
    scenario: string,
    brokers: string,
    perApp: number,
    env: NodeJS.ProcessEnv,
  ): Promise<ReplicaStack> {
    const db = await TestDatabase.create(`fault_${scenario.replace(/\W/g, '_')}`.slice(0, 30));
    const stack = new ReplicaStack(scenario, db, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    });
    // the first of each creates the topics and migrates; the others start alongside each other
    for (const app of ['ingest', 'projector', 'api', 'alerter'] as const) await stack.spawn(app, 0);
    await Promise.all(
      (['ingest', 'projector', 'api', 'alerter'] as const).flatMap((app) =>
        Array.from({ length: perApp - 1 }, (_, i) => stack.spawn(app, i + 1)),
      ),
    );
    return stack;
  }

  of(app: ReplicatedApp): Replica[] {
    return this.replicas.filter((r) => r.app === app);
  }

  alive(app: ReplicatedApp): Replica[] {
    return this.of(app).filter((r) => r.process.running);
  }

  urls(app: ReplicatedApp): string[] {
    return this.of(app).map((r) => r.url);
  }

  mark(what: string): void {
    this.timeline.push({ atMs: Date.now() - this.startedAt, what });
  }

  async createOrg(name: string): Promise<LoadOrg & { apiToken: string }> {
    const created = await runCli(['org', 'create', '--name', name], { DATABASE_URL: this.db.url });
    if (created.code !== 0) throw new Error(`org create failed: ${created.stderr}`);
    return JSON.parse(created.stdout) as LoadOrg & { apiToken: string };
  }

  async cli(args: string[]): Promise<string> {
    const run = await runCli(args, { DATABASE_URL: this.db.url });
    if (run.code !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  }

  load(options: Omit<LoadOptions, 'ingestUrl' | 'orgs' | 'idPrefix'>): LoadGenerator {
    this.mark(`load starts: ${options.eventsPerSecond} events/s for ${options.durationMs} ms`);
    return new LoadGenerator({
      ...options,
      ingestUrl: this.urls('ingest'),
      orgs: this.orgs,
      idPrefix: this.scenario,
    });
  }

  /** SIGKILL: no shutdown hook runs, as when a node or a container dies. */
  async kill(replica: Replica): Promise<void> {
    replica.process.child.kill('SIGKILL');
    await replica.process.exited;
    this.mark(`${replica.app} ${replica.index} SIGKILLed`);
  }

  async reconcile(load: LoadGenerator, acceptedAtRecovery: number): Promise<string[]> {
    this.mark('load finished; reconciling');
    const result = await reconcile({
      db: this.db,
      brokers: this.env.KAFKA_BROKERS as string,
      ledger: load.ledger,
      orgIds: this.orgs.map((o) => o.orgId),
    });
    const problems = reconciliationProblems(result);
    if (result.accepted <= acceptedAtRecovery)
      problems.push(`nothing was accepted after the kills (${result.accepted} accepted, all before)`);
    const line = reconciliationLine(this.scenario, result);
    process.stdout.write(`\n${line}\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, `${this.scenario}.json`),
      `${JSON.stringify({ scenario: this.scenario, line, durationMs: Date.now() - this.startedAt, timeline: this.timeline, problems, ...result }, null, 2)}\n`,
    );
    return problems;
  }

  async stop(): Promise<void> {
    mkdirSync(resultsDir, { recursive: true });
    for (const r of this.replicas)
      writeFileSync(
        join(resultsDir, `${this.scenario}.${r.app}-${r.index}.log`),
        r.process.stdout + r.process.stderr,
      );
    await Promise.all(this.replicas.map((r) => r.process.stop()));
    await this.db.drop();
  }

  private async spawn(app: ReplicatedApp, index: number): Promise<void> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const process = spawnApp(app, { ...this.env, [PORT_VARIABLE[app]]: String(port) });
    this.replicas.push({ app, index, url, process });
    await waitForHealthy(`${url}/readyz`, process, 120_000);
  }
}
