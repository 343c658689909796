import {
  DAY_MS,
  type ManagerHead,
  type ManagerSubtreeFigures,
  type OneOnOne,
  type OneOnOneFact,
  OrgChart,
  type PersonFact,
  type PersonHead,
  latestAt,
  managerReadModel,
  personReadModel,
  personTimelineFrom,
} from '@orgpulse/domain';
import { type HeadView, ReadModelReader } from '@orgpulse/persistence';
import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';

export type PersonView = HeadView<PersonHead>;

const WEEK_SPAN = (days: number) => days * DAY_MS; // E days of contract §4

/**
 * One request's reads of people read models within one org: person heads, the org chart at a time (from
 * heads, the few people changed after that time from their weeks), and managers' 1:1s over spans.
 */
export class PeopleReads {
  readonly people: ReadModelReader<PersonHead, PersonFact>;
  readonly managers: ReadModelReader<ManagerHead, OneOnOneFact>;
  readonly heads: DataLoader<string, PersonView | null>;
  private readonly oneOnOnes: DataLoader<string, OneOnOne[]>;
  private readonly subtrees = new Map<string, DataLoader<string, ManagerSubtreeFigures>>();
  private readonly reports = new Map<number, DataLoader<string, string[]>>();

  constructor(
    db: Pick<EntityManager, 'query'>,
    readonly orgId: string,
    private readonly batchScheduleFn?: (dispatch: () => void) => void,
  ) {
    const batching = { batchScheduleFn };
    this.people = new ReadModelReader(db, personReadModel);
    this.managers = new ReadModelReader(db, managerReadModel);
    this.heads = new DataLoader(async (ids) => {
      const found = new Map((await this.people.heads(orgId, ids)).map((h) => [h.subjectId, h]));
      return ids.map((id) => found.get(id) ?? null);
    }, batching);
    this.oneOnOnes = new DataLoader(async (keys) => {
      const bySpan = new Map<string, string[]>();
      for (const k of keys) {
        const [id, span] = splitKey(k);
        bySpan.set(span, [...(bySpan.get(span) ?? []), id]);
      }
      const found = new Map<string, OneOnOne[]>();
      await Promise.all(
        [...bySpan].map(async ([span, ids]) => {
          const [from, to] = span.split('/').map(Number);
          const weeks = await this.managers.weeksFrom(orgId, ids, from, to);
          for (const id of ids)
            found.set(
              `${id}\u0000${span}`,
              (weeks.get(id) ?? [])
                .flatMap((w) => w.facts)
                .filter((f) => f.at >= from && f.at < to)
                .map((f) => ({ reportId: f.data.reportId, at: f.at })),
            );
        }),
      );
      return keys.map((k) => found.get(k) ?? []);
    }, batching);
  }

  /** Each person's manager at t: from their head when nothing about them happened after t, else their weeks. */
  async managersAt(views: readonly PersonView[], t: number): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    const later: string[] = [];
    for (const view of views) {
      if (view.lastAt <= t) found.set(view.subjectId, view.state.managerId);
      else later.push(view.subjectId);
    }
    const weeks = await this.people.weeksFrom(this.orgId, later, t, t + 1);
    for (const id of later) {
      const personWeeks = weeks.get(id) ?? [];
      if (personWeeks.length === 0) {
        found.set(id, null); // nothing about them yet at t
        continue;
      }
      const timeline = personTimelineFrom(
        personWeeks[0].start,
        personWeeks[0].week,
        personWeeks.flatMap((w) => w.facts),
      );
      found.set(id, latestAt(timeline.managers, t)?.managerId ?? null);
    }
    return found;
  }

  /**
   * The direct reports of a manager at t, sorted: by the head index of people whose manager is them now,
   * and, of everyone who ever reported to them, those changed after t (read as of t). Batched per t.
   */
  reportsOf(managerId: string, t: number): Promise<string[]> {
    let loader = this.reports.get(t);
    if (loader === undefined) {
      loader = new DataLoader(
        async (ids) => {
          const [now, ever] = await Promise.all([
            this.people.listHeads(this.orgId, {
              first: Number.MAX_SAFE_INTEGER,
              where: { column: 'manager_id', values: ids },
            }),
            this.people.linkedTo(this.orgId, ids),
          ]);
          const candidates = new Map(now.map((v) => [v.subjectId, v]));
          const later = (await this.heads.loadMany(ever.filter((id) => !candidates.has(id)))).filter(
            (v): v is PersonView => v !== null && !(v instanceof Error) && v.lastAt > t,
          );
          for (const view of later) candidates.set(view.subjectId, view);
          const byManager = new Map<string, string[]>();
          for (const [person, manager] of await this.managersAt([...candidates.values()], t))
            if (manager !== null) byManager.set(manager, [...(byManager.get(manager) ?? []), person]);
          return ids.map((id) => (byManager.get(id) ?? []).sort());
        },
        { batchScheduleFn: this.batchScheduleFn },
      );
      this.reports.set(t, loader);
    }
    return loader.load(managerId);
  }

  /** A manager's 1:1s that occurred in [from, to). */
  oneOnOnesOf(managerId: string, from: number, to: number): Promise<OneOnOne[]> {
    return this.oneOnOnes.load(`${managerId}\u0000${Math.floor(from)}/${Math.ceil(to)}`);
  }

  /** 1:1s in (asOf − E days, asOf], as contract §4 counts them. */
  oneOnOnesBefore(managerId: string, asOf: number, intervalDays: number): Promise<OneOnOne[]> {
    return this.oneOnOnesOf(managerId, asOf - WEEK_SPAN(intervalDays) + 1, asOf + 1);
  }

  /**
   * §8's subtree figures of a manager at `asOf`, batched: the asked managers' subtrees are walked down a
   * level at a time (reportsOf, one batch per level), and only their managers' 1:1s are read, so the cost
   * follows the subtrees asked for, not the org.
   */
  subtreeFigures(managerId: string, asOf: number, intervalDays: number): Promise<ManagerSubtreeFigures> {
    const key = `${asOf}/${intervalDays}`;
    let loader = this.subtrees.get(key);
    if (loader === undefined) {
      loader = new DataLoader(
        async (ids) => {
          const figures = await this.loadSubtrees(ids, asOf, asOf - WEEK_SPAN(intervalDays));
          return ids.map((id) => figures.get(id) ?? { people: 0, managers: 0, oneOnOneCoverage: null });
        },
        { batchScheduleFn: this.batchScheduleFn },
      );
      this.subtrees.set(key, loader);
    }
    return loader.load(managerId);
  }

  /** `since`: 1:1s at or before it count as none (what coverage in (since, asOf] needs). */
  private async loadSubtrees(
    roots: readonly string[],
    asOf: number,
    since: number,
  ): Promise<Map<string, ManagerSubtreeFigures>> {
    const managerOf = new Map<string, string>();
    const seen = new Set(roots);
    const managers: string[] = [];
    for (let level = [...seen]; level.length > 0;) {
      const reports = await Promise.all(level.map((id) => this.reportsOf(id, asOf)));
      const next: string[] = [];
      level.forEach((manager, i) => {
        if (reports[i].length > 0) managers.push(manager);
        for (const report of reports[i]) {
          managerOf.set(report, manager);
          if (seen.has(report)) continue;
          seen.add(report);
          next.push(report);
        }
      });
      level = next;
    }
    const heads = await this.managers.heads(this.orgId, managers);
    const latest = new Map<string, Record<string, number>>();
    for (const head of heads) latest.set(head.subjectId, head.state.lastOneOnOneWith);
    // managers with 1:1s after asOf: their latest per pair in (since, asOf] comes from those weeks
    const laterManagers = heads.filter((h) => h.lastAt > asOf).map((h) => h.subjectId);
    const recent = await this.managers.weeksFrom(this.orgId, laterManagers, since, asOf + 1);
    for (const manager of laterManagers) {
      const byReport: Record<string, number> = {};
      for (const week of recent.get(manager) ?? [])
        for (const fact of week.facts)
          if (fact.at > since && fact.at <= asOf && (byReport[fact.data.reportId] ?? -Infinity) < fact.at)
            byReport[fact.data.reportId] = fact.at;
      latest.set(manager, byReport);
    }
    const chart = new OrgChart(managerOf);
    return chart.allSubtreeFigures(
      (manager, report) => latest.get(manager)?.[report],
      asOf,
      (asOf - since) / DAY_MS,
    );
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}
