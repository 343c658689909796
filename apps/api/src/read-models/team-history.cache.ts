import type { TeamFact, TeamHead } from '@orgpulse/domain';
import type { WeekView } from '@orgpulse/persistence';
import { LRUCache } from 'lru-cache';

/** A team's weeks from `from` to its latest, as read at one data version of the team. */
export interface CachedHistory {
  version: number;
  /** the first week read (weeks before it were not) */
  from: number;
  /** nothing happened to the team before `from` */
  complete: boolean;
  weeks: WeekView<TeamHead, TeamFact>[];
}

// What a fact and a week cost in memory, parsed (measured loosely; the budget, not the count, is the bound).
const FACT_BYTES = 160;
const WEEK_BYTES = 600;

/**
 * Teams' weeks shared by the API's requests, bounded in bytes: an entry serves a team while the team's
 * data version (its head's) is the one it was read at, for any window that starts at or after what it
 * holds. A request for other windows and groups then reads only the teams changed since.
 */
export class TeamHistoryCache {
  private readonly entries: LRUCache<string, CachedHistory>;
  /** Reads under way, shared: concurrent requests for the same team wait for one read, not one each. */
  private readonly reading = new Map<
    string,
    { version: number; from: number; entry: Promise<CachedHistory> }
  >();

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, CachedHistory>({
      maxSize: Math.max(1, maxBytes),
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
      sizeCalculation: (entry) =>
        entry.weeks.reduce((bytes, week) => bytes + WEEK_BYTES + week.facts.length * FACT_BYTES, 0) + 200,
    });
  }

  get bytes(): number {
    return this.entries.calculatedSize;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The team's weeks covering [from, latest) at this version, if held. */
  get(orgId: string, teamId: string, version: number, from: number): CachedHistory | undefined {
    const entry = this.entries.get(`${orgId}\u0000${teamId}`);
    if (entry === undefined || entry.version !== version) return undefined;
    return entry.complete || entry.from <= from ? entry : undefined;
  }

  set(orgId: string, teamId: string, entry: CachedHistory): void {
    this.entries.set(`${orgId}\u0000${teamId}`, entry);
  }

  /** A read of the team's weeks at this version from `from` or earlier, if one is under way. */
  reads(orgId: string, teamId: string, version: number, from: number): Promise<CachedHistory> | undefined {
    const read = this.reading.get(`${orgId}\u0000${teamId}`);
    return read !== undefined && read.version === version && read.from <= from ? read.entry : undefined;
  }

  /** Shares a read while it runs. */
  share(orgId: string, teamId: string, version: number, from: number, entry: Promise<CachedHistory>): void {
    const key = `${orgId}\u0000${teamId}`;
    const read = { version, from, entry };
    this.reading.set(key, read);
    const done = () => {
      if (this.reading.get(key) === read) this.reading.delete(key);
    };
    entry.then(done, done);
  }
}
