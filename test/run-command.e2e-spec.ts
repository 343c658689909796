import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  SpawnedProcess,
  StopPolling,
  eventually,
  freePorts,
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
      if (run.running) process.kill(-run.pid, 'SIGKILL');
      await exec('bash', [join(repoRoot, 'infra/kafka/kafka.sh'), 'stop'], {
        env: { ...process.env, KAFKA_PORT: String(kafka), KAFKA_DATA_DIR: join(runDir, `kafka-${kafka}`) },
      }).catch(() => undefined);
    }
  });
});
