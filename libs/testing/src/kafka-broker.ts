import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './free-port';
import { repoRoot } from './test-environment';

const run = promisify(execFile);
const script = join(repoRoot, 'infra', 'kafka', 'kafka.sh');

/** Runs infra/kafka/kafka.sh with its arguments; stdout is what it prints (an address, a pid). */
export async function kafkaScript(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run('bash', [script, ...args], { env });
  return stdout.trim();
}

/** A broker of the test's own, started with the project's script, for tests that stop and restart Kafka. */
export class KafkaBroker {
  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
    private readonly dataDir: string,
  ) {}

  static async create(): Promise<KafkaBroker> {
    const [port, controllerPort] = await freePorts(2);
    return new KafkaBroker(port, controllerPort, mkdtempSync(join(tmpdir(), 'orgpulse-kafka-')));
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      KAFKA_DATA_DIR: this.dataDir,
    };
  }

  async start(): Promise<void> {
    await kafkaScript(['start'], this.env);
  }

  async stop(): Promise<void> {
    await kafkaScript(['stop'], this.env);
  }

  /** Stops it and deletes its data: for tests that fill it with more than a few records. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The broker JVM's process id (for signals such as SIGSTOP/SIGCONT), as kafka.sh recorded it at start. */
  pid(): number {
    return readPid(join(this.dataDir, 'kafka.pid'));
  }
}

/** The pid kafka.sh recorded for a broker it started. */
export function readPid(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no broker pid in ${file}: the broker is not running (start it first)`);
  }
  if (!/^\d+$/.test(text)) throw new Error(`${file} holds no pid: ${JSON.stringify(text)}`);
  return Number(text);
}
