import { DAY_MS } from '../time/window';
import type { OneOnOne } from '../metrics/one-on-one-cadence';
import { type PersonTimeline, managerAt } from './person-timeline';

export interface ManagerSubtree {
  people: number;
  managers: number;
  /** null when the subtree holds no (manager, direct report) pair. */
  oneOnOneCoverage: number | null;
}

/**
 * §8: the people whose chain of managers at `asOf` reaches `managerId` (the walk stops at a repeat),
 * those of them with direct reports, and the share of (manager, report) pairs inside the subtree, the
 * manager's own included, with a 1:1 in (asOf − E days, asOf].
 */
export function managerSubtree(
  managerId: string,
  people: readonly PersonTimeline[],
  oneOnOnes: ReadonlyMap<string, readonly OneOnOne[]>,
  asOf: number,
  intervalDays: number,
): ManagerSubtree {
  const managerOf = new Map(people.map((p) => [p.personId, managerAt(p, asOf)]));
  const reaches = (personId: string): boolean => {
    const visited = new Set([personId]);
    for (
      let m = managerOf.get(personId) ?? null;
      m !== null && !visited.has(m);
      m = managerOf.get(m) ?? null
    ) {
      if (m === managerId) return true;
      visited.add(m);
    }
    return false;
  };
  const subtree = new Set(people.map((p) => p.personId).filter(reaches));
  const pairs = [...subtree].map((report) => ({ report, manager: managerOf.get(report) ?? null }));
  const inside = pairs.filter(
    (p): p is { report: string; manager: string } =>
      p.manager !== null && (p.manager === managerId || subtree.has(p.manager)),
  );
  const since = asOf - intervalDays * DAY_MS;
  const met = inside.filter(({ manager, report }) =>
    (oneOnOnes.get(manager) ?? []).some((o) => o.reportId === report && o.at > since && o.at <= asOf),
  );
  const withReports = new Set([...managerOf.values()].filter((m): m is string => m !== null));
  return {
    people: subtree.size,
    managers: [...subtree].filter((p) => withReports.has(p)).length,
    oneOnOneCoverage: inside.length === 0 ? null : met.length / inside.length,
  };
}
