import {
  DAY_MS,
  type TeamFact,
  type TeamHead,
  type TeamTimeline,
  type Window,
  emptyTeamHead,
  teamReadModel,
  teamTimelineFrom,
} from '@orgpulse/domain';
import { type HeadView, ReadModelReader } from '@orgpulse/persistence';
import DataLoader from 'dataloader';
import type { CachedHistory, TeamHistoryCache } from './team-history.cache';
import type { EntityManager } from 'typeorm';

export type TeamView = HeadView<TeamHead>;

/** A team's timeline as loaded for a span: every figure about a time in [from, to) reads as from its whole history. */
export interface TeamHistory {
  timeline: TeamTimeline;
  /** figures are exact from here on */
  from: number;
  /** nothing happened to the team before what was loaded */
  complete: boolean;
}

/**
 * One request's reads of team read models, all within one org: heads (the team now) by id, batched;
 * timelines from a time on, batched, served from the process's TeamHistoryCache while the team's data
 * version has not moved; the org's per-day sums. No read covers more teams or weeks than asked for.
 */
export class TeamReads {
  readonly reader: ReadModelReader<TeamHead, TeamFact>;
  readonly heads: DataLoader<string, TeamView | null>;
  private readonly weeks: DataLoader<string, CachedHistory>;

  constructor(
    db: Pick<EntityManager, 'query'>,
    readonly orgId: string,
    private readonly cache?: TeamHistoryCache,
  ) {
    this.reader = new ReadModelReader(db, teamReadModel);
    this.heads = new DataLoader(async (ids) => {
      const found = new Map((await this.reader.heads(orgId, ids)).map((h) => [h.subjectId, h]));
      return ids.map((id) => found.get(id) ?? null);
    });
    this.weeks = new DataLoader(async (keys) => {
      const byFrom = new Map<number, string[]>();
      for (const k of keys) {
        const [id, from] = splitKey(k);
        byFrom.set(from, [...(byFrom.get(from) ?? []), id]);
      }
      const loaded = new Map<string, CachedHistory>();
      await Promise.all(
        [...byFrom].map(async ([from, ids]) => {
          const [weeks, views] = await Promise.all([
            this.reader.weeksFrom(orgId, ids, from),
            this.heads.loadMany(ids),
          ]);
          ids.forEach((id, i) => {
            const teamWeeks = weeks.get(id) ?? [];
            const view = views[i];
            const entry: CachedHistory = {
              version: view !== null && !(view instanceof Error) ? view.version : -1,
              from: teamWeeks.length > 0 ? Math.min(teamWeeks[0].week, from) : from,
              complete: teamWeeks.length === 0 || teamWeeks[0].week > from,
              weeks: teamWeeks,
            };
            if (entry.version >= 0) this.cache?.set(orgId, id, entry);
            loaded.set(`${id}\u0000${from}`, entry);
          });
        }),
      );
      return keys.map((k) => loaded.get(k) as CachedHistory);
    });
  }

  /** Lists prime the per-id loader, so fields of listed teams cost nothing more. */
  prime(views: readonly TeamView[]): void {
    for (const view of views) this.heads.prime(view.subjectId, view);
  }

  /** The team's timeline exact from `from` on: its weeks from the one that covers `from`. */
  async history(id: string, from: number): Promise<TeamHistory> {
    const start = Math.floor(from);
    return historyOf(id, await this.weeksFrom(id, start));
  }

  /** The team's weeks from the one that covers `from` on (what history() builds its timeline from). */
  async weeksFrom(id: string, from: number): Promise<CachedHistory> {
    const start = Math.floor(from);
    const view = await this.heads.load(id);
    const cached = view === null ? undefined : this.cache?.get(this.orgId, id, view.version, start);
    return cached ?? (await this.weeks.load(`${id}\u0000${start}`));
  }
}

const timelines = new WeakMap<CachedHistory, TeamTimeline>();

/** The timeline of what was read (built once per entry: entries are never changed, only replaced). */
function historyOf(teamId: string, entry: CachedHistory): TeamHistory {
  let timeline = timelines.get(entry);
  if (timeline === undefined) {
    const first = entry.weeks[0];
    timeline =
      first === undefined
        ? teamTimelineFrom(emptyTeamHead(teamId), entry.from, [])
        : teamTimelineFrom(
            first.start,
            first.week,
            entry.weeks.flatMap((w) => w.facts),
          );
    timelines.set(entry, timeline);
  }
  return { timeline, from: entry.from, complete: entry.complete };
}

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf('\u0000');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

export const isDayAligned = (t: number) => t % DAY_MS === 0;
export const dayFloor = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
export const clipped = (window: Window, now: number): Window => ({
  from: window.from,
  to: Math.min(window.to, now),
});
