// One side of B4, in a process of its own as in the system (ingest produces, the projector consumes):
// `produce` writes the synthetic org to the topic when told to go; `consume` copies what it reads into
// the scratch table, a COPY per fetched partition batch, and says when every record is committed.
import type { AcceptedEvent } from '@orgpulse/contracts';
import { benchClient } from './bench-database';
import { consumeAll, kafkaFor, produceAll, recordBatches } from './baselines';
import { copyLines, eventStoreCopyLine } from './copy-rows';
import type { PipelineWorkerConfig, PipelineWorkerMessage } from './pipeline-worker-protocol';
import { accepted, syntheticOrg } from './synthetic-org';

const send = (message: PipelineWorkerMessage) => process.send?.(message);

async function produce(config: PipelineWorkerConfig): Promise<void> {
  const { org } = config;
  const events = accepted(
    syntheticOrg({ ...org.shape, start: new Date(org.shape.start) }),
    org.orgId,
    org.ingestedAt,
  );
  if (events.length !== config.total)
    throw new Error(`the synthetic org has ${events.length} events, expected ${config.total}`);
  const batches = recordBatches(events);
  const producer = kafkaFor(config.brokers).producer();
  await producer.connect();
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  send({ type: 'ready' });
  await go;
  await produceAll(producer, config.topic, batches, config.produceConcurrency);
  send({ type: 'produced' });
  await producer.disconnect();
}

async function consume(config: PipelineWorkerConfig): Promise<void> {
  // one connection per partition handled at once
  const idle = Array.from({ length: config.copyConcurrency }, () => benchClient(config.databaseUrl));
  await Promise.all(idle.map((c) => c.connect()));
  const all = [...idle];
  try {
    await consumeAll(
      config.brokers,
      config.topic,
      config.total,
      async (batch) => {
        const client = idle.pop();
        if (!client) throw new Error('more partitions at once than connections');
        try {
          await copyLines(
            client,
            config.table,
            batch.messages.map((m) =>
              eventStoreCopyLine(
                JSON.parse(m.value?.toString() ?? 'null') as AcceptedEvent,
                batch.partition,
                Number(m.offset),
              ),
            ),
          );
        } finally {
          idle.push(client);
        }
      },
      () => send({ type: 'ready' }),
      config.copyConcurrency,
    );
    send({ type: 'done' });
  } finally {
    await Promise.all(all.map((c) => c.end()));
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as PipelineWorkerConfig;
(config.role === 'produce' ? produce(config) : consume(config)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
