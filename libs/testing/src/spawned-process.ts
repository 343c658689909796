import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './test-environment';

/** A real process of ours (an app, the CLI, a script), with its output kept for assertions. */
export class SpawnedProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('process did not start');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal and waits for the exit; kills it if it is still alive after the grace period. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    graceMs = 30_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

export type AppName = 'ingest' | 'projector' | 'api' | 'alerter';

export function spawnNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { detached?: boolean; nodeArgs?: string[] } = {},
): SpawnedProcess {
  return new SpawnedProcess(
    spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached,
    }),
  );
}

/** The key the apps under test encrypt integration secrets with (the API and ingest must share it). */
export const TEST_SECRETS_KEY = process.env.ORGPULSE_SECRETS_KEY ?? Buffer.alloc(32, 7).toString('base64');

/** Only what a process needs from the test's own environment: apps get their config explicitly. */
const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LOG_LEVEL: 'warn',
  ORGPULSE_SECRETS_KEY: TEST_SECRETS_KEY,
});

/**
 * The V8 flags an app runs with (its heap limit), as `npm start` and the Docker image give them: the
 * file's first line for every app, then the line that starts with the app's name (later flags win).
 */
export const appNodeOptions = (app: AppName): string[] => {
  const [common = '', ...own] = readFileSync(join(repoRoot, 'infra', 'app-node-options'), 'utf8').split('\n');
  const mine = own.filter((line) => line.startsWith(`${app} `)).map((line) => line.slice(app.length + 1));
  return [common, ...mine].join(' ').split(/\s+/).filter(Boolean);
};

/**
 * Runs a built app (`npm run build` first), as production runs it: its heap limit and
 * NODE_ENV=production (a test that needs otherwise says so in `env`).
 */
export function spawnApp(app: AppName, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): SpawnedProcess {
  return spawnNode(
    join(repoRoot, 'dist', 'apps', app, 'src', 'main.js'),
    [],
    { ...baseEnv(), NODE_ENV: 'production', ...env },
    { nodeArgs: [...appNodeOptions(app), ...nodeArgs] },
  );
}

/** Runs the built CLI to completion. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnNode(join(repoRoot, 'dist', 'apps', 'cli', 'src', 'main.js'), args, {
    ...baseEnv(),
    DATABASE_URL: process.env.DATABASE_URL,
    ...env,
  });
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

export async function waitForHealthy(
  url: string,
  process: SpawnedProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!process.running)
      throw new Error(`process exited before ${url} was healthy:\n${process.stderr}\n${process.stdout}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become healthy in ${timeoutMs} ms:\n${process.stderr}`);
}
