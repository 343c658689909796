import { Topics } from '@orgpulse/contracts';
import type { TopicRecord } from '../kafka-records';
import type { ProducedPoison } from './poison-records';
import { readWholeTopic } from './whole-topic';

export interface DeadLetterCheck {
  records: number;
  /** Labels of poison records not on the dead-letter topic. */
  missing: string[];
  /** Labels of poison records there more than once, with how often. */
  repeated: Record<string, number>;
  /** Dead letters that are no poison record the test produced (origin and bytes as read). */
  unexpected: string[];
}

/** Every record of the dead-letter topic (none when the topic does not exist, e.g. after a wipe). */
export function readDeadLetters(brokers: string): Promise<TopicRecord[]> {
  return readWholeTopic(brokers, Topics.eventsDeadLetter);
}

const originOf = (r: TopicRecord) =>
  `${r.headers['orgpulse-origin-partition'] ?? '?'}:${r.headers['orgpulse-origin-offset'] ?? '?'}`;

/**
 * Matches dead letters to the poison produced by where they came from (origin partition and offset
 * headers) and checks each holds the poison's exact bytes: each poison record must be there once.
 */
export function checkDeadLetters(
  letters: readonly TopicRecord[],
  poison: readonly ProducedPoison[],
): DeadLetterCheck {
  const byOrigin = new Map(poison.map((p) => [`${p.partition}:${p.offset}`, p]));
  const seen = new Map<string, number>();
  const unexpected: string[] = [];
  for (const letter of letters) {
    const match = byOrigin.get(originOf(letter));
    const sameBytes = match !== undefined && (match.value?.toString() ?? null) === letter.value;
    if (match === undefined || !sameBytes) {
      unexpected.push(`${originOf(letter)} ${JSON.stringify(letter.value?.slice(0, 120) ?? null)}`);
      continue;
    }
    seen.set(match.label, (seen.get(match.label) ?? 0) + 1);
  }
  return {
    records: letters.length,
    missing: poison.filter((p) => !seen.has(p.label)).map((p) => `${p.label} (${p.partition}:${p.offset})`),
    repeated: Object.fromEntries([...seen].filter(([, n]) => n > 1)),
    unexpected,
  };
}
