import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LoadGenerator,
  type LoadOptions,
  type LoadOrg,
  type ProducedPoison,
  type Reconciliation,
  type SpawnedProcess,
  TcpProxy,
  TestDatabase,
  freePort,
  reconcile,
  reconciliationLine,
  reconciliationProblems,
  repoRoot,
  runCli,
  spawnApp,
  waitForHealthy,
} from '@orgpulse/testing';

export const resultsDir = join(repoRoot, '.run', 'fault-suite');

export interface StackOptions {
  scenario: string;
  brokers: string;
  /** Extra environment for both apps (e.g. the replication settings of a cluster). */
  env?: NodeJS.ProcessEnv;
  projectorEnv?: NodeJS.ProcessEnv;
  /** Puts a TcpProxy between the apps and PostgreSQL, so the test can cut it. */
  postgresProxy?: boolean;
}

/**
 * The real pipeline of one scenario: a database of its own, the built ingest and projector spawned
 * against the scenario's broker(s), organizations created with the CLI, and the reconciliation.
 */
export class FaultStack {
  readonly orgs: LoadOrg[] = [];
  readonly startedAt = Date.now();
  ingest!: SpawnedProcess;
  projector!: SpawnedProcess;
  ingestUrl = '';
  projectorUrl = '';
  /** Every projector process of the scenario, for the logs. */
  private readonly projectors: SpawnedProcess[] = [];
  readonly events: { atMs: number; what: string }[] = [];

  private constructor(
    readonly options: StackOptions,
    readonly db: TestDatabase,
    readonly proxy: TcpProxy | undefined,
  ) {}

  static async start(options: StackOptions, orgCount = 3): Promise<FaultStack> {
    const db = await TestDatabase.create(`fault_${options.scenario.replace(/\W/g, '_')}`.slice(0, 30));
    let proxy: TcpProxy | undefined;
    if (options.postgresProxy) {
      const target = new URL(db.url);
      proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    }
    const stack = new FaultStack(options, db, proxy);
    const port = await freePort();
    stack.ingestUrl = `http://127.0.0.1:${port}`;
    stack.ingest = spawnApp('ingest', {
      ...stack.appEnv(),
      INGEST_PORT: String(port),
    });
    await waitForHealthy(`${stack.ingestUrl}/health`, stack.ingest);
    await stack.startProjector();
    for (let i = 0; i < orgCount; i++)
      stack.orgs.push(await stack.createOrg(`Fault ${options.scenario} ${i}`));
    return stack;
  }

  /** The database as the apps reach it: through the proxy when there is one. */
  get appDatabaseUrl(): string {
    if (!this.proxy) return this.db.url;
    const url = new URL(this.db.url);
    url.host = `127.0.0.1:${this.proxy.port}`;
    return url.toString();
  }

  private appEnv(): NodeJS.ProcessEnv {
    return {
      DATABASE_URL: this.appDatabaseUrl,
      KAFKA_BROKERS: this.options.brokers,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...this.options.env,
    };
  }

  async createOrg(name: string): Promise<LoadOrg> {
    const created = await runCli(['org', 'create', '--name', name], { DATABASE_URL: this.db.url });
    if (created.code !== 0) throw new Error(`org create failed: ${created.stderr}`);
    return JSON.parse(created.stdout) as LoadOrg;
  }

  async startProjector(): Promise<void> {
    const port = await freePort();
    this.projectorUrl = `http://127.0.0.1:${port}`;
    this.projector = spawnApp('projector', {
      ...this.appEnv(),
      PROJECTOR_PORT: String(port),
      ...this.options.projectorEnv,
    });
    this.projectors.push(this.projector);
    await waitForHealthy(`${this.projectorUrl}/health`, this.projector);
  }

  /** Notes what the scenario did and when, for its report. */
  mark(what: string): void {
    this.events.push({ atMs: Date.now() - this.startedAt, what });
  }

  load(options: Omit<LoadOptions, 'ingestUrl' | 'orgs' | 'idPrefix'>): LoadGenerator {
    this.mark(`load starts: ${options.eventsPerSecond} events/s for ${options.durationMs} ms`);
    return new LoadGenerator({
      ...options,
      ingestUrl: this.ingestUrl,
      orgs: this.orgs,
      idPrefix: this.options.scenario,
    });
  }

  /**
   * Reconciles, prints the line, writes the figures and the apps' logs under .run/fault-suite/, and
   * returns what the scenario must fail on.
   */
  async reconcile(
    load: LoadGenerator,
    extra: {
      poison?: readonly ProducedPoison[];
      orgIds?: string[];
      /** Events accepted when the fault was over: the stream must go on being accepted after it. */
      acceptedAtRecovery?: number;
    } = {},
  ): Promise<{ result: Reconciliation; problems: string[] }> {
    this.mark('load finished; reconciling');
    const result = await reconcile({
      db: this.db,
      brokers: this.options.brokers,
      ledger: load.ledger,
      orgIds: extra.orgIds ?? this.orgs.map((o) => o.orgId),
      poison: extra.poison,
    });
    const problems = reconciliationProblems(result);
    if (extra.acceptedAtRecovery !== undefined && result.accepted <= extra.acceptedAtRecovery)
      problems.push(
        `nothing was accepted after the fault was over (${result.accepted} accepted, all before)`,
      );
    const line = reconciliationLine(this.options.scenario, result);
    process.stdout.write(`\n${line}\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    mkdirSync(resultsDir, { recursive: true });
    const durationMs = Date.now() - this.startedAt;
    writeFileSync(
      join(resultsDir, `${this.options.scenario}.json`),
      `${JSON.stringify({ scenario: this.options.scenario, line, durationMs, timeline: this.events, problems, ...result }, null, 2)}\n`,
    );
    this.writeLogs();
    return { result, problems };
  }

  private writeLogs(): void {
    const logs: [string, SpawnedProcess][] = [
      ['ingest', this.ingest],
      ...this.projectors.map((p, i) => [`projector-${i}`, p] as [string, SpawnedProcess]),
    ];
    for (const [name, process] of logs)
      writeFileSync(
        join(resultsDir, `${this.options.scenario}.${name}.log`),
        process.stdout + process.stderr,
      );
  }

  async stop(): Promise<void> {
    this.writeLogs();
    await Promise.all([this.ingest?.stop(), ...this.projectors.map((p) => p.stop())]);
    await this.proxy?.close();
    await this.db.drop();
  }
}
