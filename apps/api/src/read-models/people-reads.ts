import {
  DAY_MS,
  type ManagerHead,
  type ManagerSubtreeFigures,
  type OneOnOneFact,
  OrgChart,
  type PersonFact,
  type PersonHead,
  latestAt,
  managerReadModel,
  personReadModel,
  personTimelineFrom,
} from '@orgpulse/domain';
import {
  type HeadView,
  type Queryable,
  ReadModelReader,
  col,
  rowShape,
  selectOne,
  selectRows,
} from '@orgpulse/persistence';
import DataLoader from 'dataloader';

export type PersonView = HeadView<PersonHead>;

const WEEK_SPAN = (days: number) => days * DAY_MS; // E days of contract §4
const MANAGER_COUNT = rowShape('manager count', { n: col.int() });
const ID_ROW = rowShape('manager id', { id: col.text() });
const NONE_MET: ReadonlyMap<string, number> = new Map();

const addAt = (sets: Map<number, Set<string>>, t: number, id: string) => {
  const set = sets.get(t);
  if (set === undefined) sets.set(t, new Set([id]));
  else set.add(id);
};

/**
 * One request's reads of people read models within one org: person heads, the org chart at a time (from
 * heads, the few people changed after that time from their weeks), and managers' 1:1s over spans.
 */
export class PeopleReads {
  readonly people: ReadModelReader<PersonHead, PersonFact>;
  readonly managers: ReadModelReader<ManagerHead, OneOnOneFact>;
  readonly heads: DataLoader<string, PersonView | null>;
  private readonly latestMet = new Map<string, DataLoader<string, ReadonlyMap<string, number>>>();
  private readonly subtrees = new Map<string, DataLoader<string, ManagerSubtreeFigures>>();
  private readonly reports = new Map<number, DataLoader<string, string[]>>();
  private readonly reportHeads = new Map<number, DataLoader<string, PersonView[]>>();
  /** Per t, the managers whose reports were asked with their heads (reportHeadsOf)... */
  private readonly askedWithHeads = new Map<number, Set<string>>();
  /** ...and those whose reportsOf was read on its own first: each keeps its one read, so it never disagrees. */
  private readonly askedAlone = new Map<number, Set<string>>();

  constructor(
    private readonly db: Queryable,
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
  }

  /**
   * Managers in id order after an id, paged: everyone named as someone's manager, or holding 1:1s. Merged
   * and ordered in SQL, so that pages follow the database's order of text, which `after` compares by.
   */
  async managerIds(first: number, after: string | undefined): Promise<string[]> {
    const links = this.people.tables.links;
    const named =
      links === undefined
        ? ''
        : `(SELECT DISTINCT link_id FROM ${links}
             WHERE org_id = $1 AND ($2::text IS NULL OR link_id > $2) ORDER BY 1 LIMIT $3) UNION `;
    const rows = await selectRows(
      this.db,
      ID_ROW,
      `SELECT id FROM (${named}(SELECT subject_id FROM ${this.managers.tables.head}
          WHERE org_id = $1 AND ($2::text IS NULL OR subject_id > $2) ORDER BY 1 LIMIT $3)) ids (id)
        ORDER BY 1 LIMIT $3`,
      [this.orgId, after ?? null, first],
    );
    return rows.map((r) => r.id);
  }

  /** How many managers managerIds lists, every page together. */
  async countManagers(): Promise<number> {
    const links = this.people.tables.links;
    const named = links === undefined ? '' : `SELECT link_id FROM ${links} WHERE org_id = $1 UNION `;
    const row = await selectOne(
      this.db,
      MANAGER_COUNT,
      `SELECT count(*)::int AS n FROM (${named}SELECT subject_id FROM ${this.managers.tables.head} WHERE org_id = $1) ids`,
      [this.orgId],
    );
    return row.n;
  }

  /** Each person's manager at t: from their head when nothing about them happened after t, else their weeks. */
  async managersAt(
    people: readonly { subjectId: string; lastAt: number; managerId: string | null }[],
    t: number,
  ): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    const later: string[] = [];
    for (const person of people) {
      if (person.lastAt <= t) found.set(person.subjectId, person.managerId);
      else later.push(person.subjectId);
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
   * The direct reports of a manager at t, sorted: the people whose manager is them now (the head column,
   * no state read), and, of everyone who ever reported to them, those changed after t (read as of t).
   * Batched per t. A manager whose reports this request asked with their heads first gets them from that
   * read: a page of managers with their reports' names (and their figures) reads the reporting lines once.
   */
  reportsOf(managerId: string, t: number): Promise<string[]> {
    if (this.askedWithHeads.get(t)?.has(managerId) && !this.askedAlone.get(t)?.has(managerId))
      return this.reportHeadsOf(managerId, t).then((views) => views.map((view) => view.subjectId));
    addAt(this.askedAlone, t, managerId);
    let loader = this.reports.get(t);
    if (loader === undefined) {
      loader = new DataLoader(
        async (ids) => {
          const now = this.people.columnWhere(this.orgId, 'manager_id', ids);
          const byManager = await this.reportsByManager(ids, t, now);
          return ids.map((id) => (byManager.get(id) ?? []).map((report) => report.subjectId).sort());
        },
        { batchScheduleFn: this.batchScheduleFn },
      );
      this.reports.set(t, loader);
    }
    return loader.load(managerId);
  }

  /**
   * reportsOf with each report's head, read in the same statement as the reporting lines: what a list
   * of people needs (thousands of reports on a page of managers), without a second read of their heads.
   * The heads it reads serve the request's later asks of them (`heads`), and its lines the later
   * reportsOf of the same manager at t.
   */
  reportHeadsOf(managerId: string, t: number): Promise<PersonView[]> {
    addAt(this.askedWithHeads, t, managerId);
    let loader = this.reportHeads.get(t);
    if (loader === undefined) {
      loader = new DataLoader(
        async (ids) => {
          const now = this.people.headsWhere(this.orgId, 'manager_id', ids).then((views) =>
            views.map((view) => ({
              subjectId: view.subjectId,
              lastAt: view.lastAt,
              value: view.state.managerId,
              view,
            })),
          );
          const byManager = await this.reportsByManager(ids, t, now);
          const byId = (a: PersonView, b: PersonView) =>
            a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0;
          const views = ids.map((id) =>
            (byManager.get(id) ?? []).flatMap((report) => (report.view ? [report.view] : [])).sort(byId),
          );
          for (const view of views.flat()) this.heads.prime(view.subjectId, view);
          return views;
        },
        { batchScheduleFn: this.batchScheduleFn },
      );
      this.reportHeads.set(t, loader);
    }
    return loader.load(managerId);
  }

  /**
   * The reports at t of each of these managers: `reading`, the people whose manager is one of them now,
   * and, of everyone who ever reported to one of them, those changed after t (read as of t), read at once.
   */
  private async reportsByManager(
    ids: readonly string[],
    t: number,
    reading: Promise<
      readonly { subjectId: string; lastAt: number; value: string | null; view?: PersonView }[]
    >,
  ): Promise<Map<string, { subjectId: string; view?: PersonView }[]>> {
    const [now, later] = await Promise.all([reading, this.people.linkedHeadsAfter(this.orgId, ids, t)]);
    const candidates = new Map<
      string,
      { subjectId: string; lastAt: number; managerId: string | null; view?: PersonView }
    >(
      now.map((p) => [
        p.subjectId,
        { subjectId: p.subjectId, lastAt: p.lastAt, managerId: p.value, view: p.view },
      ]),
    );
    for (const view of later)
      candidates.set(view.subjectId, {
        subjectId: view.subjectId,
        lastAt: view.lastAt,
        managerId: null,
        view,
      });
    const byManager = new Map<string, { subjectId: string; view?: PersonView }[]>();
    for (const [person, manager] of await this.managersAt([...candidates.values()], t)) {
      if (manager === null) continue;
      const report = { subjectId: person, view: candidates.get(person)?.view };
      const reports = byManager.get(manager);
      if (reports === undefined) byManager.set(manager, [report]);
      else reports.push(report);
    }
    return byManager;
  }

  /**
   * A manager's latest 1:1 with each report in (since, asOf], batched per span: from the manager's head
   * when none of their 1:1s is later than asOf (the head keeps each pair's latest), else from the weeks
   * covering the span, so the usual "now" reads no 1:1 facts at all. A Map: report ids as an object's
   * keys gave every manager's object shapes of its own.
   */
  latestOneOnOnes(managerId: string, asOf: number, since: number): Promise<ReadonlyMap<string, number>> {
    const key = `${asOf}/${since}`;
    let loader = this.latestMet.get(key);
    if (loader === undefined) {
      loader = new DataLoader(
        async (ids) => {
          const found = await this.loadLatestOneOnOnes(ids, asOf, since);
          return ids.map((id) => found.get(id) ?? NONE_MET);
        },
        { batchScheduleFn: this.batchScheduleFn },
      );
      this.latestMet.set(key, loader);
    }
    return loader.load(managerId);
  }

  /** The reports a manager met in (asOf − E days, asOf], as contract §4 counts 1:1s. */
  async metBefore(managerId: string, asOf: number, intervalDays: number): Promise<Set<string>> {
    return new Set((await this.latestOneOnOnes(managerId, asOf, asOf - WEEK_SPAN(intervalDays))).keys());
  }

  private async loadLatestOneOnOnes(
    ids: readonly string[],
    asOf: number,
    since: number,
  ): Promise<Map<string, ReadonlyMap<string, number>>> {
    const found = new Map<string, ReadonlyMap<string, number>>();
    const heads = await this.managers.heads(this.orgId, ids);
    const later: string[] = [];
    for (const head of heads) {
      if (head.lastAt > asOf) {
        later.push(head.subjectId);
        continue;
      }
      const byReport = new Map<string, number>();
      for (const report in head.state.lastOneOnOneWith) {
        const at = head.state.lastOneOnOneWith[report];
        if (at > since) byReport.set(report, at);
      }
      found.set(head.subjectId, byReport);
    }
    const weeks = await this.managers.weeksFrom(this.orgId, later, since, asOf + 1);
    for (const manager of later) {
      const byReport = new Map<string, number>();
      for (const week of weeks.get(manager) ?? [])
        for (const fact of week.facts)
          if (fact.at > since && fact.at <= asOf && (byReport.get(fact.data.reportId) ?? -Infinity) < fact.at)
            byReport.set(fact.data.reportId, fact.at);
      found.set(manager, byReport);
    }
    return found;
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
      // below the roots most people never had a report: only those someone ever named as manager are walked
      const named = await this.people.linkedAmong(this.orgId, next);
      level = next.filter((id) => named.has(id));
    }
    const met = await Promise.all(managers.map((id) => this.latestOneOnOnes(id, asOf, since)));
    const latest = new Map(managers.map((id, i) => [id, met[i]]));
    const chart = new OrgChart(managerOf);
    return chart.allSubtreeFigures(
      (manager, report) => latest.get(manager)?.get(report),
      asOf,
      (asOf - since) / DAY_MS,
    );
  }
}
