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

/** The org-wide sums of the team totals over whole UTC days (contract §4, §8). */
export interface TeamSums {
  blockedMs: number;
  idlePersonMs: number;
  interviews: number;
  trioInterviews: number;
  ships: number;
}

const key = (id: string, from: number, to: number) => `${id}\u0000${from}\u0000${to}`;

/**
 * One request's reads of team read models, all within one org: heads (the team now) by id, batched;
 * timelines over spans, batched per span; the org's per-day sums. No read covers more than the teams
 * and weeks asked for.
 */
export class TeamReads {
  readonly reader: ReadModelReader<TeamHead, TeamFact>;
  readonly heads: DataLoader<string, TeamView | null>;
  private readonly histories: DataLoader<string, TeamHistory>;

  constructor(
    db: Pick<EntityManager, 'query'>,
    readonly orgId: string,
  ) {
    this.reader = new ReadModelReader(db, teamReadModel);
    this.heads = new DataLoader(async (ids) => {
      const found = new Map((await this.reader.heads(orgId, ids)).map((h) => [h.subjectId, h]));
      return ids.map((id) => found.get(id) ?? null);
    });
    this.histories = new DataLoader(async (keys) => {
      const spans = new Map<string, { from: number; to: number; ids: string[] }>();
      for (const k of keys) {
        const [id, from, to] = k.split('\u0000');
        const span = spans.get(`${from}/${to}`) ?? { from: Number(from), to: Number(to), ids: [] };
        span.ids.push(id);
        spans.set(`${from}/${to}`, span);
      }
      const loaded = new Map<string, TeamHistory>();
      await Promise.all(
        [...spans.values()].map(async ({ from, to, ids }) => {
          const weeks = await this.reader.weeksFrom(orgId, ids, from, to);
          for (const id of ids) loaded.set(key(id, from, to), historyOf(id, weeks.get(id) ?? [], from));
        }),
      );
      return keys.map((k) => loaded.get(k) as TeamHistory);
    });
  }

  /** Lists prime the per-id loader, so fields of listed teams cost nothing more. */
  prime(views: readonly TeamView[]): void {
    for (const view of views) this.heads.prime(view.subjectId, view);
  }

  /** The team's timeline exact over [from, to): the weeks from the one that covers `from`, up to `to`. */
  history(id: string, from: number, to: number): Promise<TeamHistory> {
    return this.histories.load(key(id, Math.floor(from), Math.ceil(to)));
  }

  /** Sums of the per-day totals over whole days [fromDay, toDay). */
  async sums(fromDay: number, toDay: number): Promise<TeamSums> {
    const [blockedMs, idlePersonMs, interviews, trioInterviews, ships] =
      toDay > fromDay ? await this.reader.totals(this.orgId, fromDay, toDay) : [0, 0, 0, 0, 0];
    return { blockedMs, idlePersonMs, interviews, trioInterviews, ships };
  }
}

function historyOf(
  teamId: string,
  weeks: { week: number; start: TeamHead; facts: { at: number; position: number; data: TeamFact }[] }[],
  from: number,
): TeamHistory {
  if (weeks.length === 0)
    return { timeline: teamTimelineFrom(emptyTeamHead(teamId), from, []), from, complete: true };
  const first = weeks[0];
  return {
    timeline: teamTimelineFrom(
      first.start,
      first.week,
      weeks.flatMap((w) => w.facts),
    ),
    from: Math.min(first.week, from),
    complete: first.week > from,
  };
}

export const isDayAligned = (t: number) => t % DAY_MS === 0;
export const dayFloor = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
export const clipped = (window: Window, now: number): Window => ({
  from: window.from,
  to: Math.min(window.to, now),
});
