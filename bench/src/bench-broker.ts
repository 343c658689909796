import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, kafkaScript, readPid } from '@orgpulse/testing';

/** A fresh single Kafka broker for one run of the bench, on free ports, its data removed when stopped. */
export class BenchBroker {
  private constructor(
    readonly brokers: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dataDir: string,
  ) {}

  static async start(runDir: string): Promise<BenchBroker> {
    const [port, controllerPort] = await freePorts(2);
    const dataDir = join(runDir, `kafka-${port}`);
    const env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_DATA_DIR: dataDir,
      KAFKA_FRESH: '1',
    };
    return new BenchBroker(await kafkaScript(['start'], env), env, dataDir);
  }

  /** The broker JVM, for CPU accounting. */
  pid(): number {
    return readPid(join(this.dataDir, 'kafka.pid'));
  }

  async stop(): Promise<void> {
    await kafkaScript(['stop'], this.env);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
