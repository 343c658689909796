import { Topics, validateEvents } from '@orgpulse/contracts';
import {
  AcceptEvents,
  EVENT_TOPIC_CONFIG,
  EventLogUnavailableError,
  EventPublisher,
  createKafka,
  ensureTopics,
} from '@orgpulse/messaging';
import { commonEnv, describeError, loadEnv } from '@orgpulse/platform';
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
  const acceptEvents = new AcceptEvents(publisher);
  const progress = new ImportProgress('sending', (m) => context.progress(m), total);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  // what stopped the import; its message is written once the publishes in flight have settled
  let failure: { changedLine: number } | { kafka: unknown } | undefined;
  const flush = (inputs: unknown[], lines: number[]) => {
    // validated with the first pass's clock, so that the file is judged as it was checked
    const publish = acceptEvents
      .accept(orgId, () => validateEvents(inputs, now))
      .then(
        (acceptance) => {
          if (!acceptance.ok) {
            failure ??= { changedLine: lines[acceptance.problems[0].index] };
            return;
          }
          sent += acceptance.accepted;
          progress.at(sent);
        },
        (error: unknown) => {
          failure ??= { kafka: error instanceof EventLogUnavailableError ? error.cause : error };
        },
      );
    const tracked = publish.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  try {
    let inputs: unknown[] = [];
    let lines: number[] = [];
    for await (const entry of readEventFile(file, formatOf(file))) {
      if (failure !== undefined) break;
      // the file was checked whole; a line that changed since is refused rather than sent
      if (!('input' in entry)) {
        failure = { changedLine: entry.line };
        break;
      }
      inputs.push(entry.input);
      lines.push(entry.line);
      if (inputs.length >= BATCH_RECORDS) {
        flush(inputs, lines);
        inputs = [];
        lines = [];
        while (inFlight.size >= PUBLISHES_IN_FLIGHT) await Promise.race(inFlight);
      }
    }
    if (inputs.length > 0 && failure === undefined) flush(inputs, lines);
    await Promise.all(inFlight);
    if (failure !== undefined)
      throw new CommandError(
        'changedLine' in failure
          ? `${usage}: line ${failure.changedLine} changed since it was validated; stopped, ${sent} were sent`
          : `${usage}: Kafka did not take the events (${describeError(failure.kafka)}); ${sent} were sent, running it again is safe`,
      );
    progress.done(sent);
    return sent;
  } finally {
    await publisher.disconnect();
  }
}
