import { DAY_MS } from '../time/window';

/** Who reports to whom at one time: person → manager (null: none). */
export type ReportingLines = ReadonlyMap<string, string | null>;

/** The latest 1:1 of a (manager, report) pair at or before the chart's time, if any. */
export type LastOneOnOne = (managerId: string, reportId: string) => number | undefined;

/** people, managers and met (manager, report) pairs of a subtree */
type Sums = [number, number, number];
const NO_SUMS: Sums = [0, 0, 0];
const add = (a: Sums, b: Sums): Sums => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];

export interface ManagerSubtreeFigures {
  people: number;
  managers: number;
  /** null when the subtree holds no (manager, direct report) pair. */
  oneOnOneCoverage: number | null;
}

/**
 * The org chart at one time (contract §4, §8): direct reports by index, subtrees by a walk down from the
 * manager that never visits anyone twice (a reporting cycle sent by an integration never loops). Costs
 * grow with the part of the chart asked about, not with the org.
 */
export class OrgChart {
  private readonly reports = new Map<string, string[]>();

  constructor(readonly lines: ReportingLines) {
    for (const [person, manager] of lines) {
      if (manager === null) continue;
      const list = this.reports.get(manager);
      if (list) list.push(person);
      else this.reports.set(manager, [person]);
    }
    for (const list of this.reports.values()) list.sort();
  }

  managerOf(personId: string): string | null {
    return this.lines.get(personId) ?? null;
  }

  /** The people whose manager is `managerId`, sorted. */
  reportsOf(managerId: string): readonly string[] {
    return this.reports.get(managerId) ?? [];
  }

  hasReports(personId: string): boolean {
    return this.reports.has(personId);
  }

  /** Everyone whose chain of managers reaches `managerId` (the manager itself is not among them). */
  subtreeOf(managerId: string): string[] {
    const seen = new Set<string>([managerId]);
    const found: string[] = [];
    const queue = [managerId];
    for (let next = queue.pop(); next !== undefined; next = queue.pop())
      for (const report of this.reportsOf(next)) {
        if (seen.has(report)) continue;
        seen.add(report);
        found.push(report);
        queue.push(report);
      }
    return found;
  }

  /**
   * subtreeFigures for every manager at once, in one pass over the chart: each person's subtree is their
   * reports' subtrees and the reports themselves. Reporting lines form at most one cycle per connected
   * part (everyone has one manager); the people on a cycle share one closure, which each of them sees
   * without themselves.
   */
  allSubtreeFigures(
    lastOneOnOne: LastOneOnOne,
    asOf: number,
    intervalDays: number,
  ): Map<string, ManagerSubtreeFigures> {
    const since = asOf - intervalDays * DAY_MS;
    const met = (person: string): number => {
      const manager = this.managerOf(person);
      const last = manager === null ? undefined : lastOneOnOne(manager, person);
      return last !== undefined && last > since && last <= asOf ? 1 : 0;
    };
    // a person's own weight in their manager's subtree: themselves, whether they manage, whether met
    const own = (p: string): Sums => [1, this.hasReports(p) ? 1 : 0, met(p)];
    // below[p]: the sums over p's subtree (p excluded)
    const below = new Map<string, Sums>();
    const state = new Map<string, 1 | 2>(); // 1 on the walk's path, 2 done
    const cycleOf = new Map<string, string[]>();
    for (const root of this.reports.keys()) {
      if (state.has(root)) continue;
      // iterative post-order walk down the reports
      const stack: { person: string; next: number }[] = [{ person: root, next: 0 }];
      state.set(root, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const reports = this.reportsOf(top.person);
        if (top.next < reports.length) {
          const report = reports[top.next++];
          const seen = state.get(report);
          if (seen === undefined) {
            state.set(report, 1);
            stack.push({ person: report, next: 0 });
          } else if (seen === 1) {
            // a cycle: the people on the path from `report` to here
            const at = stack.findIndex((s) => s.person === report);
            const members = stack.slice(at).map((s) => s.person);
            for (const m of members) cycleOf.set(m, members);
          }
          continue;
        }
        stack.pop();
        state.set(top.person, 2);
        const cycle = cycleOf.get(top.person);
        if (cycle === undefined) {
          below.set(
            top.person,
            reports.length === 0 ? NO_SUMS : this.sumsOfReports([top.person], below, met),
          );
          continue;
        }
        if (cycle[0] !== top.person) continue; // its cycle's first member sums it
        const closure = cycle.reduce<Sums>(
          (total, m) => add(total, own(m)),
          this.sumsOfReports(cycle, below, met),
        );
        // each member sees the whole closure but itself
        for (const m of cycle) {
          const mine = own(m);
          below.set(m, [closure[0] - mine[0], closure[1] - mine[1], closure[2] - mine[2]]);
        }
      }
    }
    const figures = new Map<string, ManagerSubtreeFigures>();
    for (const [manager, [people, managers, metPairs]] of below)
      figures.set(manager, { people, managers, oneOnOneCoverage: people === 0 ? null : metPairs / people });
    return figures;
  }

  /** The sums over the reports of `members` outside them, each report with its own subtree (done before). */
  private sumsOfReports(
    members: readonly string[],
    below: ReadonlyMap<string, Sums>,
    met: (person: string) => number,
  ): Sums {
    let people = 0;
    let managers = 0;
    let metPairs = 0;
    for (const m of members)
      for (const r of this.reportsOf(m)) {
        if (members.includes(r)) continue;
        const sums = below.get(r);
        people += 1 + (sums?.[0] ?? 0);
        managers += (this.hasReports(r) ? 1 : 0) + (sums?.[1] ?? 0);
        metPairs += met(r) + (sums?.[2] ?? 0);
      }
    return [people, managers, metPairs];
  }

  /**
   * §8: the subtree's people, those of them with direct reports, and the share of (manager, report)
   * pairs inside it, the manager's own included, with a 1:1 in (asOf − E days, asOf].
   */
  subtreeFigures(
    managerId: string,
    lastOneOnOne: LastOneOnOne,
    asOf: number,
    intervalDays: number,
  ): ManagerSubtreeFigures {
    const subtree = this.subtreeOf(managerId);
    const since = asOf - intervalDays * DAY_MS;
    let pairs = 0;
    let met = 0;
    for (const person of subtree) {
      const manager = this.managerOf(person);
      if (manager === null) continue;
      pairs += 1;
      const last = lastOneOnOne(manager, person);
      if (last !== undefined && last > since && last <= asOf) met += 1;
    }
    return {
      people: subtree.length,
      managers: subtree.filter((p) => this.hasReports(p)).length,
      oneOnOneCoverage: pairs === 0 ? null : met / pairs,
    };
  }
}
