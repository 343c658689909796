import {
  type DependencyChecks,
  type HealthProblem,
  type HealthReport,
  healthReportOf,
  withoutDetails,
} from './health-report';

export interface ReadinessOptions {
  /** how often the dependencies are checked in the background */
  intervalMs: number;
  /** a check that takes longer counts as down */
  timeoutMs: number;
  /** whether problems carry the errors behind them (not with NODE_ENV=production: probes need no token) */
  revealDetails?: boolean;
  now?: () => number;
}

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  checks: Record<string, 'up' | 'down'>;
  /** when the dependencies were last checked (ISO time), null before the first check */
  checkedAt: string | null;
  problems: HealthProblem[];
}

/**
 * Whether the process can do its work now, answered from memory: the dependencies are checked on a
 * timer of their own (each with a deadline), so a probe never waits for a slow or unreachable one and
 * answers in the same milliseconds under load as when idle. Ready when every check last passed, that
 * result is recent, and nothing is stuck.
 */
export class ReadinessMonitor {
  private results: Record<string, boolean> = {};
  private checkedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly stuckWork: (() => readonly HealthProblem[])[] = [];
  private readonly details = new Map<string, () => unknown>();
  private readonly now: () => number;

  constructor(
    private readonly checks: DependencyChecks,
    private readonly options: ReadinessOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Work that is stuck although the dependencies answer (read from memory at each probe). */
  addProblems(problems: () => readonly HealthProblem[]): void {
    this.stuckWork.push(problems);
  }

  /** A field /health shows beside the report (the projector's progress, say). */
  addDetails(name: string, details: () => unknown): void {
    this.details.set(name, details);
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs every check once, at most one round at a time. */
  check(): Promise<void> {
    this.checking ??= this.runChecks().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** The latest results as /health reports them: which dependency answered, and what is stuck. */
  dependencies(): Record<string, 'up' | 'down'> {
    const fresh = this.fresh();
    return Object.fromEntries(
      Object.keys(this.checks).map((name) => [name, fresh && this.results[name] ? 'up' : 'down']),
    );
  }

  problems(): HealthProblem[] {
    const problems = this.stuckWork.flatMap((problems) => problems());
    return this.options.revealDetails === false ? withoutDetails(problems) : problems;
  }

  /** What every service answers /health with: the report, and the fields added with addDetails. */
  health(): HealthReport & Record<string, unknown> {
    const report = healthReportOf(this.dependencies(), this.problems());
    return { ...report, ...Object.fromEntries([...this.details].map(([name, of]) => [name, of()])) };
  }

  report(): ReadinessReport {
    const checks = this.dependencies();
    const problems = this.problems();
    const ready = Object.values(checks).every((c) => c === 'up') && problems.length === 0;
    return {
      status: ready ? 'ready' : 'not-ready',
      checks,
      checkedAt: this.checkedAt === undefined ? null : new Date(this.checkedAt).toISOString(),
      problems,
    };
  }

  /** A result older than a few rounds says nothing about now (the timer itself is not running). */
  private fresh(): boolean {
    return (
      this.checkedAt !== undefined &&
      this.now() - this.checkedAt <= 3 * this.options.intervalMs + this.options.timeoutMs
    );
  }

  private async runChecks(): Promise<void> {
    const names = Object.keys(this.checks);
    const passed = await Promise.all(
      names.map((name) => withDeadline(this.checks[name](), this.options.timeoutMs).catch(() => false)),
    );
    this.results = Object.fromEntries(names.map((name, i) => [name, passed[i]]));
    this.checkedAt = this.now();
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
