import { type TeamTimeline, WEEK_MS } from '@orgpulse/domain';
import { LRUCache } from 'lru-cache';

/** A team's timeline from `from` to its latest fact, as read at one data version of the team. */
export interface CachedHistory {
  version: number;
  /** the first week read (weeks before it were not) */
  from: number;
  /** nothing happened to the team before `from` */
  complete: boolean;
  timeline: TeamTimeline;
}

/** Counts lookups (the process's /metrics). */
export interface HistoryMeter {
  hit(): void;
  miss(): void;
}

// What a timeline's parts cost in memory (measured loosely on a year of the bench's teams: about 1.1 MB
// for 200 teams of 42,000 facts, against 8 MB for the weeks they were built from; the budget is the bound).
// An interview also pays for its week's count, which requests keep beside the timeline (team-metrics).
const TIMELINE_BYTES = 400;
const TIME_BYTES = 12;
const WEEK_COUNT_BYTES = 40;
const CHANGE_BYTES = 48;
const INTERVAL_BYTES = 160;

/** At most one a week of the span the (ordered) interviews cover. */
const weeksWithInterviews = (interviews: readonly number[]): number =>
  interviews.length === 0
    ? 0
    : Math.min(
        interviews.length,
        Math.ceil(Math.abs(interviews[interviews.length - 1] - interviews[0]) / WEEK_MS) + 1,
      );

export const timelineBytes = (t: TeamTimeline): number =>
  TIMELINE_BYTES +
  TIME_BYTES * (t.interviews.length + t.trioInterviews.length + t.ships.length) +
  WEEK_COUNT_BYTES * weeksWithInterviews(t.interviews) +
  CHANGE_BYTES * (t.lifecycle.length + t.headcount.length + t.memberships.length) +
  t.blocked.reduce((bytes, b) => bytes + INTERVAL_BYTES + CHANGE_BYTES * b.segments.length, 0);

/**
 * Teams' timelines shared by the API's requests, bounded in bytes: an entry serves a team while the
 * team's data version (its head's) is the one it was read at, for any window that starts at or after
 * what it holds. A request for other windows and groups then reads only the teams changed since. It
 * keeps timelines, not the weeks they are built from (a seventh of their memory), so that an org's year
 * fits: a cache too small for what requests go round (LRU) serves none of it.
 */
export class TeamHistoryCache {
  private readonly entries: LRUCache<string, CachedHistory>;
  /** Reads under way, shared: concurrent requests for the same team wait for one read, not one each. */
  private readonly reading = new Map<
    string,
    { version: number; from: number; entry: Promise<CachedHistory> }
  >();
  meter?: HistoryMeter;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, CachedHistory>({
      maxSize: Math.max(1, maxBytes),
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
      sizeCalculation: (entry) => timelineBytes(entry.timeline),
    });
  }

  get bytes(): number {
    return this.entries.calculatedSize;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The team's timeline covering [from, latest) at this version, if held. */
  get(orgId: string, teamId: string, version: number, from: number): CachedHistory | undefined {
    const entry = this.entries.get(`${orgId}\u0000${teamId}`);
    if (entry === undefined || entry.version !== version) return undefined;
    return entry.complete || entry.from <= from ? entry : undefined;
  }

  /** As get, counted in the meter: a request's own lookup (not a probe whether to read with others). */
  lookup(orgId: string, teamId: string, version: number, from: number): CachedHistory | undefined {
    const entry = this.get(orgId, teamId, version, from);
    if (entry === undefined) this.meter?.miss();
    else this.meter?.hit();
    return entry;
  }

  set(orgId: string, teamId: string, entry: CachedHistory): void {
    this.entries.set(`${orgId}\u0000${teamId}`, entry);
  }

  /** A read of the team's timeline at this version from `from` or earlier, if one is under way. */
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
