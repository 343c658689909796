import { type PersonTimeline, directReportsOf } from '../people/person-timeline';
import { DAY_MS } from '../time/window';

export interface OneOnOne {
  reportId: string;
  at: number;
}

export interface OneOnOneCadence {
  directReports: string[];
  /** null when there are no direct reports. */
  coverage: number | null;
  overdueReports: string[];
}

/** Contract §4, 1:1 cadence of one manager at `asOf`, expecting a 1:1 every `intervalDays`. */
export function oneOnOneCadence(
  managerId: string,
  people: readonly PersonTimeline[],
  oneOnOnes: readonly OneOnOne[],
  asOf: number,
  intervalDays: number,
): OneOnOneCadence {
  const reports = directReportsOf(managerId, people, asOf);
  const since = asOf - intervalDays * DAY_MS;
  const met = new Set(oneOnOnes.filter((o) => o.at > since && o.at <= asOf).map((o) => o.reportId));
  const overdueReports = reports.filter((r) => !met.has(r));
  return {
    directReports: reports,
    coverage: reports.length === 0 ? null : (reports.length - overdueReports.length) / reports.length,
    overdueReports,
  };
}
