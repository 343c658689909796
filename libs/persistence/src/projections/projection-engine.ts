import { parseSubject } from '@orgpulse/contracts';
import {
  type AnyReadModel,
  type Fact,
  READ_MODELS,
  WEEK_MS,
  byFactOrder,
  factsOf,
  foldFacts,
  isoWeekStart,
} from '@orgpulse/domain';
import type { BatchRows } from '../database/batch-rows';
import type { CopySink } from '../database/copy-rows';
import { IoTurns } from '../database/io-turns';
import { causeOf, inLine } from '../database/statement-line';
import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../event-store/event-store.repository';
import { canonicalJson } from './canonical-json';
import { groupBy } from './group-by';
import {
  type HeadRow,
  type LinkRow,
  ReadModelStore,
  type SubjectRef,
  type TotalsRow,
  type WeekRow,
  keyOf,
} from './read-model.store';
import { READ_MODEL_TABLES, tableNames } from './read-model-tables';
import { rowsOf } from './week-rows';

export { READ_MODEL_TABLES };

/** A subject whose head a batch moved: what alerting needs to judge it again. */
export interface ChangedSubject extends SubjectRef {
  model: string;
  before: unknown;
  after: unknown;
  /** the latest occurrence among the new facts */
  latestAt: number;
}

/** A subject a live batch moved, as an observer is told of it: its head before (undefined: none stored) and after. */
export interface ProjectedSubject extends ChangedSubject {
  before: unknown;
  /** the earliest occurrence among the new facts */
  earliestAt: number;
}

/**
 * Told, in a live batch's transaction, of each read model's subjects before their heads are written (so
 * it may still read what is stored): alerting marks what it must judge again there.
 */
export interface ProjectionObserver {
  projected(tx: EntityManager, model: AnyReadModel, subjects: readonly ProjectedSubject[]): Promise<void>;
}

interface Touched extends SubjectRef {
  key: string;
  facts: Fact<unknown>[];
  version: number;
}

/** What one model writes for a batch. */
export class Writes {
  heads: HeadRow[] = [];
  appended: WeekRow[] = [];
  replaced: WeekRow[] = [];
  links: LinkRow[] = [];
  totals = new Map<string, TotalsRow>();
  changed: ChangedSubject[] = [];

  addTotals(orgId: string, sums: Map<number, bigint[]>, sign: 1n | -1n): void {
    for (const [day, values] of sums) {
      const key = `${orgId}/${day}`;
      const row = this.totals.get(key);
      if (row) row.values = row.values.map((v, i) => v + sign * values[i]);
      else this.totals.set(key, { orgId, day, values: values.map((v) => sign * v) });
    }
  }
}

/** A model's chain stopped because another's failed: the transaction is over, that failure is the one told. */
class Halted extends Error {}

/** A rebuild's per-day sums per model, kept until its last page. */
export type RebuildTotals = Map<string, Writes>;

const LATE_PAGE = 32;
/** A week row of the subject (its org and id alone, not the touched subject's facts): rows of one shape. */
const weekRowOf = (
  { orgId, subjectId }: SubjectRef,
  week: number,
  start: unknown,
  facts: Fact<unknown>[],
  coversUntil: number | null,
): WeekRow => ({ orgId, subjectId, week, start, facts, coversUntil });
const compareKey = (at: number, position: number, lastAt: number, lastPosition: number) =>
  at - lastAt || position - lastPosition;

/**
 * Runs every declared read model, for live batches and for rebuilds alike. Facts after a subject's latest
 * are folded into its head and appended to their weeks; a late fact re-folds its week and the weeks after
 * it only until a week starts from the head it started from before (nothing later changed). Per-day
 * totals move by the difference of what was re-folded. Nothing reads a subject's whole history.
 */
export class ProjectionEngine {
  readonly stores: ReadonlyMap<string, ReadModelStore>;

  constructor(
    readonly models: readonly AnyReadModel[] = READ_MODELS,
    suffix = '',
    private readonly observer?: ProjectionObserver,
  ) {
    this.stores = new Map(models.map((m) => [m.name, new ReadModelStore(m, suffix)]));
  }

  get tables(): string[] {
    return [...this.stores.values()].flatMap((s) => tableNames(s.tables));
  }

  /** Every batch its writes may COPY through (prepareBatchTables). */
  get batchRows(): BatchRows[] {
    return [...this.stores.values()].flatMap((s) => s.batchRows);
  }

  /**
   * Brings the read models of the subjects the new events touched up to date, in a few statements.
   * Each model is a chain of its own, their statements taking turns in the connection's line (their
   * tables are apart): while PostgreSQL runs one model's statement, this process folds another's subjects,
   * where one model after the other left each side waiting on the other. Every chain settles before this
   * does, so no statement of one is sent after a sibling's failure has ended the transaction; the failure
   * told is the cause (causeOf), not a statement that failed because it came after it.
   */
  async apply(tx: EntityManager, appended: readonly StoredEvent[]): Promise<ChangedSubject[]> {
    if (appended.length === 0) return [];
    const version = Math.max(...appended.map((e) => e.position));
    const failures: unknown[] = [];
    const line = inLine(tx);
    const subjects = subjectsByKind(appended);
    const turns = new IoTurns();
    const settled = await Promise.allSettled(
      this.models.map((model) =>
        this.applyModel(line, model, subjects.get(model.subjectKind) ?? [], version, failures, turns).catch(
          (error: unknown) => {
            if (!(error instanceof Halted)) failures.push(error);
            throw error;
          },
        ),
      ),
    );
    if (failures.length > 0) throw causeOf(failures);
    return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  }

  private async applyModel(
    tx: EntityManager,
    model: AnyReadModel,
    subjects: readonly BatchSubject[],
    version: number,
    failures: readonly unknown[],
    turns: IoTurns,
  ): Promise<ChangedSubject[]> {
    const store = this.stores.get(model.name) as ReadModelStore;
    // another model failed: the transaction is over
    const go = () => {
      if (failures.length > 0) throw new Halted();
    };
    // the slice may have gone to another chain by the time this one resumes
    const turn = async () => {
      while (turns.due) {
        await turns.take();
        go();
      }
    };
    const touched = await this.touched(model, subjects, turns, turn);
    if (touched.length === 0) return [];
    go();
    const heads = await store.loadHeads(tx, touched);
    go();
    const writes = new Writes();
    for (const subject of touched) {
      if (turns.due) await turn();
      const head = heads.get(subject.key);
      const first = subject.facts[0];
      if (head === undefined || compareKey(first.at, first.position, head.lastAt, head.lastPosition) > 0)
        this.inOrder(model, subject, head, writes);
      else {
        await this.late(tx, model, store, subject, head, writes);
        go();
      }
    }
    if (this.observer) {
      await this.observer.projected(tx, model, projected(touched, heads, writes.changed));
      go();
    }
    await this.write(tx, store, writes, version, go);
    return writes.changed;
  }

  /**
   * A rebuild's fast path: rows of whole subjects (see HistoryFold) written with COPY into tables nobody
   * else writes, their per-day sums added to `totals` (written once at the end, see writeTotals).
   */
  async copyWrites(
    sink: CopySink,
    byModel: ReadonlyMap<string, Writes>,
    version: number,
    totals: RebuildTotals,
  ): Promise<void> {
    for (const [name, writes] of byModel) {
      await (this.stores.get(name) as ReadModelStore).copy(
        sink,
        { heads: writes.heads, weeks: writes.appended, links: writes.links },
        version,
      );
      let sums = totals.get(name);
      if (sums === undefined) totals.set(name, (sums = new Writes()));
      for (const row of writes.totals.values())
        sums.addTotals(row.orgId, new Map([[row.day, row.values]]), 1n);
    }
  }

  async writeTotals(tx: EntityManager, totals: RebuildTotals): Promise<void> {
    for (const [name, sums] of totals)
      await (this.stores.get(name) as ReadModelStore).addTotals(
        tx,
        [...sums.totals.values()].filter((r) => r.values.some((v) => v !== 0n)),
      );
  }

  /** The subjects of the model's kind that it follows, each with its facts in occurrence order. */
  private async touched(
    model: AnyReadModel,
    subjects: readonly BatchSubject[],
    turns: IoTurns,
    turn: () => Promise<void>,
  ): Promise<Touched[]> {
    const touched: Touched[] = [];
    for (const { events, ...subject } of subjects) {
      if (turns.due) await turn();
      const facts = factsOf(model, events).sort(byFactOrder);
      if (facts.length > 0) touched.push({ ...subject, facts });
    }
    return touched;
  }

  private inOrder(model: AnyReadModel, subject: Touched, head: HeadRow | undefined, writes: Writes): void {
    const before = head?.state ?? model.initial(subject.subjectId);
    const last = subject.facts[subject.facts.length - 1];
    let state = before;
    if (model.history) {
      // the row the head's latest fact is in takes new facts while it fits, or now covers time up to the
      // first new row
      const open = head && {
        week: head.row?.week ?? isoWeekStart(head.lastAt),
        facts: head.row?.facts ?? 0,
        lastAt: head.lastAt,
      };
      const rows = rowsOf(subject.facts, open);
      rows.forEach(({ week, facts }, i) => {
        const row = weekRowOf(subject, week, state, facts, rows[i + 1]?.week ?? null);
        // the open row as read with the head is stored, its start with it (the state here sets its flags)
        if (i === 0 && head?.row !== undefined) row.startStored = true;
        writes.appended.push(row);
        state = foldFacts(model, state, facts);
      });
    } else state = foldFacts(model, state, subject.facts);
    if (model.totals) writes.addTotals(subject.orgId, model.totals.of(before, subject.facts), 1n);
    this.finish(model, subject, head, before, state, { at: last.at, position: last.position }, writes);
  }

  /**
   * Re-folds the rows from the one that covers the earliest new fact, page by page, until a row with no
   * new fact starts from the same head as before: that row and every later one are unchanged.
   */
  private async late(
    tx: EntityManager,
    model: AnyReadModel,
    store: ReadModelStore,
    subject: Touched,
    head: HeadRow,
    writes: Writes,
  ): Promise<void> {
    const first = subject.facts[0];
    const newLast = subject.facts[subject.facts.length - 1];
    const frontier =
      compareKey(newLast.at, newLast.position, head.lastAt, head.lastPosition) > 0
        ? { at: newLast.at, position: newLast.position }
        : { at: head.lastAt, position: head.lastPosition };
    if (!model.history) {
      // without weeks a late fact can only be folded where it lands if the fold does not care about order
      throw new Error(`read model ${model.name} keeps no history: it cannot re-fold a late fact`);
    }
    // new facts not yet placed, in order: each goes into the stored row that covers it in its ISO week,
    // or into a row of its own week (before the stored row that follows)
    let pending: readonly Fact<unknown>[] = subject.facts;
    const old: WeekRow[] = [];
    const rebuilt: WeekRow[] = [];
    let state: unknown;
    let converged: WeekRow | undefined;
    const rowsOfTheirOwn = (rows: readonly { week: number; facts: Fact<unknown>[] }[]) => {
      for (const row of rows) {
        rebuilt.push(weekRowOf(subject, row.week, state, row.facts, null));
        state = foldFacts(model, state, row.facts);
      }
    };
    const placedBefore = (end: number) => {
      const n = pending.findIndex((f) => f.at >= end);
      const placed = n === -1 ? pending : pending.slice(0, n);
      pending = n === -1 ? [] : pending.slice(n);
      return placed;
    };
    let page = await store.loadWeeksFrom(tx, subject, first.at, LATE_PAGE);
    state = page.length > 0 && page[0].week <= first.at ? page[0].start : model.initial(subject.subjectId);
    for (let i = 0; ; i++) {
      if (i === page.length) {
        if (page.length < LATE_PAGE) break;
        page = await store.loadWeeksFrom(tx, subject, first.at, LATE_PAGE, page[page.length - 1].week);
        i = -1;
        continue;
      }
      const stored = page[i];
      rowsOfTheirOwn(rowsOf(placedBefore(stored.week), undefined));
      const added = placedBefore(
        Math.min(stored.coversUntil ?? Number.POSITIVE_INFINITY, isoWeekStart(stored.week) + WEEK_MS),
      );
      if (
        added.length === 0 &&
        pending.length === 0 &&
        canonicalJson(state) === canonicalJson(stored.start)
      ) {
        converged = stored;
        break;
      }
      old.push(stored);
      // in the last row, facts after its latest are appended as in order: it takes them while it fits
      const latest = stored.facts.length > 0 ? stored.facts[stored.facts.length - 1].at : stored.week;
      const after = stored.coversUntil === null ? added.findIndex((f) => f.at > latest) : -1;
      const joining = after === -1 ? added : added.slice(0, after);
      const facts = [...stored.facts, ...joining].sort(byFactOrder);
      const [own, ...more] = rowsOf(after === -1 ? [] : added.slice(after), {
        week: stored.week,
        facts: facts.length,
        lastAt: facts[facts.length - 1]?.at ?? stored.week,
      });
      facts.push(...own.facts);
      rebuilt.push(weekRowOf(subject, stored.week, state, facts, null));
      state = foldFacts(model, state, facts);
      rowsOfTheirOwn(more);
    }
    rowsOfTheirOwn(rowsOf(pending, undefined));
    rebuilt.forEach((week, i) => (week.coversUntil = rebuilt[i + 1]?.week ?? converged?.week ?? null));
    writes.replaced.push(...rebuilt);

    if (model.totals) {
      for (const week of old) writes.addTotals(subject.orgId, model.totals.of(week.start, week.facts), -1n);
      for (const week of rebuilt)
        writes.addTotals(subject.orgId, model.totals.of(week.start, week.facts), 1n);
    }
    // a re-fold that converged left every later week, and so the head, as it was
    const after = converged === undefined ? state : head.state;
    this.finish(model, subject, head, head.state, after, frontier, writes);
  }

  private finish(
    model: AnyReadModel,
    subject: Touched,
    head: HeadRow | undefined,
    before: unknown,
    after: unknown,
    frontier: { at: number; position: number },
    writes: Writes,
  ): void {
    writes.heads.push({
      orgId: subject.orgId,
      subjectId: subject.subjectId,
      state: after,
      lastAt: frontier.at,
      lastPosition: frontier.position,
      version: Math.max(subject.version, head?.version ?? 0),
    });
    if (model.links) {
      const seen = new Set<string>();
      for (const fact of subject.facts)
        for (const linkId of model.links(fact.data)) {
          if (seen.has(linkId)) continue;
          seen.add(linkId);
          writes.links.push({ orgId: subject.orgId, subjectId: subject.subjectId, linkId });
        }
    }
    writes.changed.push({
      orgId: subject.orgId,
      subjectId: subject.subjectId,
      model: model.name,
      before,
      after,
      latestAt: Math.max(...subject.facts.map((f) => f.at)),
    });
  }

  private async write(
    tx: EntityManager,
    store: ReadModelStore,
    writes: Writes,
    version: number,
    go: () => void,
  ): Promise<void> {
    await store.upsertHeads(tx, writes.heads);
    go();
    await store.appendWeeks(tx, writes.appended, version);
    go();
    await store.replaceWeeks(tx, writes.replaced, version);
    go();
    await store.insertLinks(tx, writes.links);
    go();
    await store.addTotals(
      tx,
      [...writes.totals.values()].filter((r) => r.values.some((v) => v !== 0n)),
    );
  }
}

/** The changes as an observer sees them: `before` is the stored head, undefined where none was stored. */
function projected(
  touched: readonly Touched[],
  heads: ReadonlyMap<string, HeadRow>,
  changed: readonly ChangedSubject[],
): ProjectedSubject[] {
  const earliest = new Map(touched.map((s) => [s.key, s.facts[0].at]));
  return changed.map((c) => {
    const key = keyOf(c.orgId, c.subjectId);
    return { ...c, before: heads.get(key)?.state, earliestAt: earliest.get(key) ?? c.latestAt };
  });
}

/** A subject a batch's events are about, with those events (in their order). */
interface BatchSubject extends Omit<Touched, 'facts'> {
  events: StoredEvent[];
}

/**
 * A batch's subjects by their kind (each subject once, with its events): grouped once for all the
 * models, not once a model.
 */
function subjectsByKind(events: readonly StoredEvent[]): Map<string, BatchSubject[]> {
  const byKind = new Map<string, BatchSubject[]>();
  for (const subjectEvents of groupBy(events, (e) => `${e.event.orgId}/${e.subject}`).values()) {
    const parsed = parseSubject(subjectEvents[0].subject);
    if (!parsed) continue;
    const { orgId } = subjectEvents[0].event;
    const subject: BatchSubject = {
      key: keyOf(orgId, parsed.id),
      orgId,
      subjectId: parsed.id,
      version: Math.max(...subjectEvents.map((e) => e.position)),
      events: subjectEvents,
    };
    const ofKind = byKind.get(parsed.kind);
    if (ofKind) ofKind.push(subject);
    else byKind.set(parsed.kind, [subject]);
  }
  return byKind;
}
