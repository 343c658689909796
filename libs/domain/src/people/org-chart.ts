import { DAY_MS } from '../time/window';

/** Who reports to whom at one time: person → manager (null: none). */
export type ReportingLines = ReadonlyMap<string, string | null>;

/** The latest 1:1 of a (manager, report) pair at or before the chart's time, if any. */
export type LastOneOnOne = (managerId: string, reportId: string) => number | undefined;

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
