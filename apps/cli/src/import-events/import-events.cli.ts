import { Topics, validateEvents } from '@orgpulse/contracts';
import {
  EVENT_TOPIC_CONFIG,
  EventPublisher,
  createKafka,
  ensureTopics,
  toEventRecord,
} from '@orgpulse/messaging';
import { commonEnv, describeError, loadEnv } from '@orgpulse/platform';
import type { Message } from 'kafkajs';
import { existsSync } from 'node:fs';
import pino from 'pino';
import { orgIdOption, parseOptions } from '../cli-args';
import { type CliContext, CommandError, UsageError } from '../cli-context';
import { cliImportEnv } from '../cli.env';
import { formatOf, readEventFile } from './event-file';
import { ImportProgress } from './import-progress';

/** Problems printed in full; past it, only their count. */
export const MAX_PROBLEMS_SHOWN = 100;
/** Records per publish, and publishes in flight at once: Kafka's batches stay large, memory bounded. */
const BATCH_RECORDS = 500;
const PUBLISHES_IN_FLIGHT = 8;

export interface Problem {
  line: number;
  path?: string;
  message: string;
}

/** Every problem of the file, with its line number: the first pass, before anything is sent. */
export async function validateFile(
  file: string,
  now: Date,
  onLine: (line: number) => void = () => undefined,
): Promise<{ lines: number; events: number; problems: Problem[]; problemCount: number }> {
  const problems: Problem[] = [];
  let problemCount = 0;
  let lines = 0;
  let events = 0;
  const add = (problem: Problem) => {
    problemCount += 1;
    if (problems.length < MAX_PROBLEMS_SHOWN) problems.push(problem);
  };
  for await (const entry of readEventFile(file, formatOf(file))) {
    lines = entry.line;
    onLine(entry.line);
    if ('problem' in entry) {
      add({ line: entry.line, path: entry.path, message: entry.problem });
      continue;
    }
    const result = validateEvents([entry.input], now);
    if (result.ok) events += 1;
    else for (const p of result.problems) add({ line: entry.line, path: p.path, message: p.message });
  }
  return { lines, events, problems, problemCount };
}

const usage = 'events import';

/**
 * `events import --org ID [--dry-run] FILE` (contract §9): validates the whole file with the rules of
 * §2, sends nothing if any line is invalid, then sends its events through Kafka as ingest does
 * (acks=all, the same records and keys). Ids are the idempotency keys: running it again is safe.
 */
export async function importEvents(context: CliContext, args: string[]): Promise<void> {
  const dryRun = args.includes('--dry-run');
  const { options, positionals } = parseOptions(
    usage,
    args.filter((a) => a !== '--dry-run'),
    ['org'],
    1,
  );
  const orgId = orgIdOption(usage, options);
  const [file] = positionals;
  if (!existsSync(file)) throw new UsageError(`${usage}: no such file ${file}`);
  if (!(await context.credentials.organizationExists(orgId)))
    throw new CommandError(`${usage}: no organization ${orgId}`);

  const started = Date.now();
  const now = new Date();
  const checking = new ImportProgress('validating', (m) => context.progress(m));
  const checked = await validateFile(file, now, (line) => checking.at(line));
  checking.done(checked.lines);
  if (checked.problemCount > 0) {
    for (const p of checked.problems)
      context.progress(`line ${p.line}${p.path ? ` ${p.path}` : ''}: ${p.message}`);
    if (checked.problemCount > checked.problems.length)
      context.progress(`... and ${checked.problemCount - checked.problems.length} more problems`);
    throw new CommandError(
      `${usage}: ${checked.problemCount} problems in ${file}; nothing was sent (lines ${[...new Set(checked.problems.map((p) => p.line))].slice(0, 10).join(', ')}${checked.problemCount > 10 ? ', ...' : ''})`,
    );
  }
  if (dryRun) {
    context.print({
      lines: checked.lines,
      accepted: 0,
      valid: checked.events,
      dryRun: true,
      durationMs: Date.now() - started,
    });
    return;
  }
  const accepted = await send(file, orgId, now, checked.events, context);
  context.print({ lines: checked.lines, accepted, durationMs: Date.now() - started });
}

async function send(
  file: string,
  orgId: string,
  now: Date,
  total: number,
  context: CliContext,
): Promise<number> {
  const config = loadEnv({ ...cliImportEnv, LOG_LEVEL: commonEnv.LOG_LEVEL });
  const { KAFKA_BROKERS, LOG_LEVEL } = config;
  // Kafka's own logs go to stderr (stdout carries the one JSON summary), errors only unless debugging
  const level = ['debug', 'trace'].includes(LOG_LEVEL) ? LOG_LEVEL : 'error';
  const logger = pino({ level }, pino.destination({ dest: 2, sync: true }));
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'orgpulse-cli-import', logger });
  const publisher = new EventPublisher(kafka, {
    timeoutMs: 60_000,
    lanes: 3,
    maxPendingRequests: PUBLISHES_IN_FLIGHT * 2,
    maxPendingBytes: 256 * 1024 * 1024,
  });
  const unreachable = (error: unknown) => {
    throw new CommandError(
      `${usage}: cannot reach Kafka at ${KAFKA_BROKERS.join(',')} (${describeError(error)})`,
    );
  };
  // the topic as ingest creates it, should the import be the first to write to this cluster
  await ensureTopics(
    kafka,
    [{ topic: Topics.events, numPartitions: config.KAFKA_TOPIC_PARTITIONS, config: EVENT_TOPIC_CONFIG }],
    {
      timeoutMs: 15_000,
      durability: {
        replicationFactor: config.KAFKA_REPLICATION_FACTOR,
        minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
      },
    },
  ).catch(unreachable);
  await publisher.connect().catch(unreachable);
  const progress = new ImportProgress('sending', (m) => context.progress(m), total);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let failure: unknown;
  const flush = (batch: Message[]) => {
    const publish = publisher.publish(batch).then(
      () => {
        sent += batch.length;
        progress.at(sent);
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = publish.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  try {
    let batch: Message[] = [];
    const ingestedAt = new Date();
    for await (const entry of readEventFile(file, formatOf(file))) {
      if (failure !== undefined) break;
      // the file was checked whole; a line that changed since is refused here rather than sent
      const result = 'input' in entry ? validateEvents([entry.input], now) : undefined;
      if (result === undefined || !result.ok)
        throw new CommandError(`${usage}: line ${entry.line} changed since it was validated; stopped`);
      batch.push(toEventRecord(orgId, result.events[0], ingestedAt));
      if (batch.length >= BATCH_RECORDS) {
        flush(batch);
        batch = [];
        while (inFlight.size >= PUBLISHES_IN_FLIGHT) await Promise.race(inFlight);
      }
    }
    if (batch.length > 0 && failure === undefined) flush(batch);
    await Promise.all(inFlight);
    if (failure !== undefined)
      throw new CommandError(
        `${usage}: Kafka did not take the events (${describeError(failure)}); ${sent} were sent, running it again is safe`,
      );
    progress.done(sent);
    return sent;
  } finally {
    await publisher.disconnect();
  }
}
