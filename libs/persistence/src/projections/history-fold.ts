import { parseSubject } from '@orgpulse/contracts';
import { type AnyReadModel, type Fact, byFactOrder, foldFacts, isoWeekStart } from '@orgpulse/domain';
import type { StoredEvent } from '../event-store/event-store.repository';
import { Writes } from './projection-engine';
import { newRowAt } from './week-rows';

/** One model's fold of the subject being read: the head its open week starts from, and that week's facts. */
interface OpenFold {
  start: unknown;
  week: number;
  facts: Fact<unknown>[];
  last: Fact<unknown> | undefined;
  links: Set<string>;
}

/**
 * A rebuild's fold of the whole store read in (org, subject, occurrence) order, page after page. What it
 * holds between pages is one subject's open week per model, whatever the length of its history: finished
 * weeks and subjects leave as rows with the page that finished them.
 */
export class HistoryFold {
  /** Subjects with a fact for some model, finished so far. */
  subjects = 0;
  /** The most facts held at once (those of open weeks): what bounds the fold's memory. */
  peakHeldFacts = 0;
  private orgId = '';
  private subject = '';
  private subjectId = '';
  private version = 0;
  private mine: readonly AnyReadModel[] = [];
  private readonly open = new Map<AnyReadModel, OpenFold>();
  private out = new Map<string, Writes>();
  private held = 0;
  private readonly byKind = new Map<string, AnyReadModel[]>();

  constructor(models: readonly AnyReadModel[]) {
    for (const model of models) {
      const same = this.byKind.get(model.subjectKind);
      if (same) same.push(model);
      else this.byKind.set(model.subjectKind, [model]);
    }
  }

  /** Folds the next events of the store's order; returns the rows of the weeks and subjects they finished. */
  add(events: readonly StoredEvent[]): Map<string, Writes> {
    for (const e of events) {
      if (e.subject !== this.subject || e.event.orgId !== this.orgId) this.next(e);
      if (this.mine.length === 0) continue;
      if (e.position > this.version) this.version = e.position;
      for (const model of this.mine) {
        const data = model.fact(e.event);
        if (data !== undefined)
          this.factOf(model, { at: e.at ?? Date.parse(e.event.occurredAt), position: e.position, data });
      }
    }
    return this.take();
  }

  /** The rows of the last subject (the end of the store). */
  finish(): Map<string, Writes> {
    this.close();
    return this.take();
  }

  private next(e: StoredEvent): void {
    this.close();
    this.orgId = e.event.orgId;
    this.subject = e.subject;
    this.version = 0;
    const parsed = parseSubject(e.subject);
    this.subjectId = parsed?.id ?? '';
    this.mine = (parsed && this.byKind.get(parsed.kind)) ?? [];
  }

  private factOf(model: AnyReadModel, fact: Fact<unknown>): void {
    // occurrence times come in order, so rows do too (split as live batches split them); within a row the
    // facts are sorted once it closes
    let open = this.open.get(model);
    if (open === undefined) {
      const week = isoWeekStart(fact.at);
      open = { start: model.initial(this.subjectId), week, facts: [], last: undefined, links: new Set() };
      this.open.set(model, open);
    } else {
      const lastAt = open.facts.length > 0 ? open.facts[open.facts.length - 1].at : open.week;
      const week = newRowAt({ week: open.week, facts: open.facts.length, lastAt }, fact.at);
      if (week !== undefined) {
        this.closeWeek(model, open, week);
        open.week = week;
      }
    }
    open.facts.push(fact);
    if (++this.held > this.peakHeldFacts) this.peakHeldFacts = this.held;
  }

  private closeWeek(model: AnyReadModel, open: OpenFold, coversUntil: number | null): void {
    const { orgId, subjectId } = this;
    const facts = open.facts.sort(byFactOrder);
    const writes = this.writesOf(model);
    if (model.history)
      writes.appended.push({ orgId, subjectId, week: open.week, start: open.start, facts, coversUntil });
    if (model.totals) writes.addTotals(orgId, model.totals.of(open.start, facts), 1n);
    if (model.links)
      for (const fact of facts)
        for (const linkId of model.links(fact.data))
          if (!open.links.has(linkId)) {
            open.links.add(linkId);
            writes.links.push({ orgId, subjectId, linkId });
          }
    open.start = foldFacts(model, open.start, facts);
    open.last = facts[facts.length - 1];
    this.held -= facts.length;
    open.facts = [];
  }

  private close(): void {
    for (const [model, open] of this.open) {
      this.closeWeek(model, open, null);
      const last = open.last as Fact<unknown>;
      this.writesOf(model).heads.push({
        orgId: this.orgId,
        subjectId: this.subjectId,
        state: open.start,
        lastAt: last.at,
        lastPosition: last.position,
        version: this.version,
      });
    }
    if (this.open.size > 0) this.subjects += 1;
    this.open.clear();
  }

  private writesOf(model: AnyReadModel): Writes {
    let writes = this.out.get(model.name);
    if (writes === undefined) this.out.set(model.name, (writes = new Writes()));
    return writes;
  }

  private take(): Map<string, Writes> {
    const out = this.out;
    this.out = new Map();
    return out;
  }
}
