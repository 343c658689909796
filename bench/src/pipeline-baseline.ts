import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { benchClient } from './bench-database';
import { BENCH_TOPIC_PARTITIONS, type Rate, createBenchTopic, rate, withScratchTable } from './baselines';
import type { CpuReport } from './cpu-accounting';
import { CpuSampler, type WatchedProcess } from './cpu-sampler';
import type { PipelineWorkerConfig, PipelineWorkerMessage } from './pipeline-worker-protocol';

export interface PipelineRate extends Rate {
  /** Until the producer had every record acked. */
  producedMs: number;
  cpu: CpuReport;
}

class Worker {
  private stderr = '';
  private readonly messages: PipelineWorkerMessage[] = [];
  private readonly waiting = new Map<string, () => void>();
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('message', (message: PipelineWorkerMessage) => {
      this.messages.push(message);
      this.waiting.get(message.type)?.();
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('B4 worker did not start');
    return this.child.pid;
  }

  /** Resolves when the worker sent `type`; fails if it exits first. */
  async next(type: PipelineWorkerMessage['type']): Promise<void> {
    if (this.messages.some((m) => m.type === type)) return;
    await Promise.race([
      new Promise<void>((resolve) => this.waiting.set(type, resolve)),
      this.exited.then((code) => {
        if (!this.messages.some((m) => m.type === type))
          throw new Error(`B4 worker exited with ${code} before "${type}":\n${this.stderr.slice(-4000)}`);
      }),
    ]);
  }
}

const startWorker = (config: PipelineWorkerConfig) =>
  new Worker(
    fork(join(__dirname, 'pipeline-worker.main.js'), [JSON.stringify(config)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    }),
  );

/**
 * B4: the raw pipeline on this machine. A producer process writes the records as B2 does while a
 * consumer process reads them as B1 does and copies each fetched partition batch into an
 * event-store-shaped table with COPY as B3 does (six partitions at once, a connection each), all at
 * once; from the first produce to the last row committed.
 */
export async function rawPipeline(
  brokers: string,
  databaseUrl: string,
  org: PipelineWorkerConfig['org'],
  total: number,
  produceConcurrency: number,
  watched: readonly WatchedProcess[],
): Promise<PipelineRate> {
  const topic = await createBenchTopic(brokers, 'bench.pipeline');
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    return await withScratchTable(client, 'bench_pipeline_baseline', async (table) => {
      const config = {
        brokers,
        topic,
        total,
        produceConcurrency,
        // every partition copied at once, each on its own connection: the consumer keeps up with the producer
        copyConcurrency: BENCH_TOPIC_PARTITIONS,
        databaseUrl,
        table,
        org,
      };
      const consumer = startWorker({ ...config, role: 'consume' });
      const producer = startWorker({ ...config, role: 'produce' });
      try {
        await Promise.all([consumer.next('ready'), producer.next('ready')]);
        const sampler = await CpuSampler.start(
          [
            ...watched,
            { group: 'B4 producer', pid: producer.pid },
            { group: 'B4 consumer + COPY', pid: consumer.pid },
          ],
          databaseUrl,
        );
        const started = performance.now();
        producer.child.send('go');
        let producedMs = Number.NaN;
        await Promise.all([
          producer.next('produced').then(() => (producedMs = performance.now() - started)),
          consumer.next('done'),
        ]);
        const ms = performance.now() - started;
        const cpu = await sampler.stop();
        const [{ rows }] = (
          await client.query<{ rows: number }>(`SELECT count(*)::int AS rows FROM ${table}`)
        ).rows;
        if (rows !== total) throw new Error(`B4 committed ${rows} rows, expected ${total}`);
        const codes = await Promise.all([producer.exited, consumer.exited]);
        if (codes.some((code) => code !== 0)) throw new Error(`B4 workers exited with ${codes.join(', ')}`);
        return { ...rate(total, ms), producedMs, cpu };
      } finally {
        for (const worker of [producer, consumer]) if (worker.child.exitCode === null) worker.child.kill();
      }
    });
  } finally {
    await client.end();
  }
}
