import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  SpawnedProcess,
  StopPolling,
  eventually,
  freePorts,
  graphql,
  repoRoot,
  testEnvironment,
  within,
} from '@orgpulse/testing';

const exec = promisify(execFile);

const isListening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function processesMatching(pattern: string[]): Promise<string> {
  try {
    return (await exec('pgrep', pattern)).stdout.trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

/** The first ```bash block after a README heading, as a reader would copy it. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README has no bash block under ${heading}`);
  return block[1];
}

/** README's own CSV example (the backfill section's "For example"). */
function readmeCsvExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const example = /For example\s+`([^`]+)` then `([^`]+)`/.exec(readme);
  if (!example) throw new Error('README has no CSV example');
  return `${example[1]}\n${example[2]}\n`;
}

describe('the README run command (npm start)', () => {
  jest.setTimeout(240_000);

  it('starts Kafka and every app, prints credentials and curl commands that work, and Ctrl-C leaves nothing running', async () => {
    const { databaseUrl } = testEnvironment();
    const [api, ingest, projector, alerter, kafka, kafkaController] = await freePorts(6);
    const runDir = mkdtempSync(join(tmpdir(), 'orgpulse-run-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      API_PORT: String(api),
      INGEST_PORT: String(ingest),
      PROJECTOR_PORT: String(projector),
      ALERTER_PORT: String(alerter),
      KAFKA_PORT: String(kafka),
      KAFKA_CONTROLLER_PORT: String(kafkaController),
      ORGPULSE_RUN_DIR: runDir,
    };
    delete env.KAFKA_BROKERS; // the run command must start its own broker
    const terminal = join(repoRoot, '.run', `readme-backfill-${process.pid}`);

    // detached: its own process group, which is what a terminal's Ctrl-C signals
    const run = new SpawnedProcess(
      spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    try {
      await eventually(
        () => {
          if (!run.running) throw new StopPolling(`npm start exited before it was up:\n${run.stderr}`);
          expect(run.stdout).toContain('Press Ctrl-C to stop.');
        },
        { timeoutMs: 180_000, intervalMs: 250 },
      );
      const credentials = /ingest key\s+(opk_\S+)[\s\S]*API token\s+(opt_\S+)/.exec(run.stdout);
      expect(credentials).not.toBeNull();
      const [postEvent, queryGraphql] = run.stdout.split('\n').filter((line) => line.startsWith('curl '));

      const posted = await exec('bash', ['-c', postEvent]);
      expect(JSON.parse(posted.stdout)).toEqual({ accepted: 1 });

      const team = await eventually(async () => {
        const answer = JSON.parse((await exec('bash', ['-c', queryGraphql])).stdout) as {
          data: { team: { id: string; blocked: boolean; blockedSince: string } | null };
        };
        expect(answer.data.team?.blocked).toBe(true);
        return answer.data.team;
      });
      expect(team).toMatchObject({ id: 'payments', blocked: true });

      // README's backfill section, run as written in another terminal: nothing exported, a file in the
      // directory the command is typed in (inside the clone, as npm run wants)
      const orgId = /Demo organization (\S+)/.exec(run.stdout)?.[1] ?? '';
      const apiToken = credentials?.[2] ?? '';
      mkdirSync(terminal, { recursive: true });
      const history = [1, 2, 3].map((i) =>
        JSON.stringify({
          id: `history-${i}`,
          type: 'delivery.shipped',
          occurredAt: `2024-0${i}-10T09:00:00Z`,
          source: 'backfill',
          data: { teamId: 'payments', release: `v${i}` },
        }),
      );
      writeFileSync(join(terminal, 'history.ndjson'), `${history.join('\n')}\n`);
      writeFileSync(join(terminal, 'history.csv'), readmeCsvExample());
      const backfill = readmeBlock('### Backfill: `events import`').replaceAll('ORG_ID', orgId);
      const terminalEnv: NodeJS.ProcessEnv = { ...process.env, ORGPULSE_RUN_DIR: runDir };
      for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'ORGPULSE_DB_NAME']) delete terminalEnv[name];
      const summaries = [];
      for (const command of backfill.split('\n').filter((line) => line.trim() !== '')) {
        const ran = await exec('bash', ['-c', command], { cwd: terminal, env: terminalEnv }).catch(
          (error: { stderr?: string; message: string }) => {
            throw new Error(`${command}\nfailed: ${error.stderr ?? error.message}`);
          },
        );
        summaries.push(JSON.parse(ran.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>);
      }
      expect(summaries).toEqual([
        expect.objectContaining({ lines: 3, accepted: 3 }),
        expect.objectContaining({ lines: 2, accepted: 0, valid: 1, dryRun: true }),
      ]);
      await eventually(async () => {
        const shipped = await graphql<{ team: { delivery: { ships: number } } }>(
          `http://127.0.0.1:${api}/graphql`,
          apiToken,
          `
            {
              team(id: "payments") {
                delivery(window: { from: "2024-01-01T00:00:00Z", to: "2024-04-01T00:00:00Z" }) {
                  ships
                }
              }
            }
          `,
        );
        expect(shipped.data?.team.delivery.ships).toBe(3);
      });

      process.kill(-run.pid, 'SIGINT');
      const exit = await within(run.exited, 60_000, 'npm start did not stop after Ctrl-C');
      expect(exit.signal === 'SIGINT' || exit.code !== null).toBe(true);

      await eventually(async () => {
        expect(await processesMatching(['-g', String(run.pid)])).toBe('');
        expect(await processesMatching(['-f', runDir])).toBe(''); // the Kafka JVM runs with its data dir in runDir
        for (const port of [api, ingest, projector, alerter, kafka])
          expect(await isListening(port)).toBe(false);
      });
    } finally {
      rmSync(terminal, { recursive: true, force: true });
      if (run.running) process.kill(-run.pid, 'SIGKILL');
      await exec('bash', [join(repoRoot, 'infra/kafka/kafka.sh'), 'stop'], {
        env: { ...process.env, KAFKA_PORT: String(kafka), KAFKA_DATA_DIR: join(runDir, `kafka-${kafka}`) },
      }).catch(() => undefined);
    }
  });
});
