import { type Fact, isoWeekStart } from '@orgpulse/domain';

/**
 * The facts a row holds before facts after its latest start a row of their own. Appending rewrites the
 * row, so this bounds what one append costs whatever the number of facts in a week (issue 20: a busy
 * team's week of 450 facts cost 14 times a quiet one's on every event); a row this size stays within
 * PostgreSQL's page, neither compressed nor moved out of line.
 */
export const ROW_FACTS = 32;

/** The row a subject's latest facts are in: where it starts, how many facts it holds, the latest one's time. */
export interface OpenRow {
  week: number;
  facts: number;
  lastAt: number;
}

/**
 * Where a fact after the open row goes: into it (undefined) or into a new row starting at the time
 * returned. An ISO week starts a row; so does a fact later than the row's latest once the row is full
 * (facts at the same time never straddle two rows, so a row starts after every fact of the one before).
 */
export function newRowAt(open: OpenRow, at: number): number | undefined {
  const week = isoWeekStart(at);
  if (week !== isoWeekStart(open.week)) return week;
  return open.facts >= ROW_FACTS && at > open.lastAt ? at : undefined;
}

/**
 * In-order facts (after the open row's, if any) split into the rows they go to: the open row first (it
 * may get none), then rows of their own.
 */
export function rowsOf<Data>(
  facts: readonly Fact<Data>[],
  open: OpenRow | undefined,
): { week: number; facts: Fact<Data>[] }[] {
  const rows: { week: number; facts: Fact<Data>[] }[] = [];
  let row = open === undefined ? undefined : { week: open.week, facts: [] as Fact<Data>[] };
  if (row !== undefined) rows.push(row);
  let held = { week: open?.week ?? 0, facts: open?.facts ?? 0, lastAt: open?.lastAt ?? 0 };
  for (const fact of facts) {
    const start = row === undefined ? isoWeekStart(fact.at) : newRowAt(held, fact.at);
    if (row === undefined || start !== undefined) {
      row = { week: start as number, facts: [] };
      rows.push(row);
      held = { week: row.week, facts: 0, lastAt: fact.at };
    }
    row.facts.push(fact);
    held.facts += 1;
    held.lastAt = fact.at;
  }
  return rows;
}
