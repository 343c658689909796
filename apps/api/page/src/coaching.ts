import { num, pct, when } from './format';
import { figure } from './panels';
import type { ManagerRow, PersonDetail } from './queries';
import { renderTable } from './table';

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
};
type Open = (id: string) => void;

const personName = (p: { id: string; name: string | null }): string => p.name || p.id;
const weakestGap = (m: ManagerRow): number => m.coaching.weakest?.averageGap ?? -1;

/**
 * Per manager, contract §14: plan coverage, the weakest report and the rating share of the window's
 * 1:1s. A token that sees no people (§8) gets no managers: the panel is not shown to it.
 */
export function renderCoaching(managers: ManagerRow[], openTeam: Open, openPerson: Open): void {
  $('coaching').hidden = managers.length === 0;
  // the widest gap first: where a leader's attention helps most
  const rows = [...managers].sort(
    (a, b) => weakestGap(b) - weakestGap(a) || (a.person.name ?? a.id).localeCompare(b.person.name ?? b.id),
  );
  const weakest = (m: ManagerRow) => m.coaching.weakest;
  renderTable(
    $('coaching-table'),
    'coaching',
    [
      { title: 'Manager', value: (m) => m.person.name ?? m.id },
      { title: 'Reports', value: (m) => m.coaching.reports, numeric: true },
      {
        title: 'Plan coverage',
        value: (m) => m.coaching.planCoverage,
        format: (m) => pct(m.coaching.planCoverage),
        numeric: true,
      },
      {
        title: 'Weakest report',
        value: (m) => {
          const w = weakest(m);
          return w && personName(w.person);
        },
        person: { id: (m) => weakest(m)?.person.id ?? null, open: openPerson },
      },
      {
        title: 'Their average gap',
        value: (m) => weakest(m)?.averageGap ?? null,
        format: (m) => {
          const w = weakest(m);
          return w ? num(w.averageGap, 2) : '–';
        },
        numeric: true,
      },
      { title: '1:1s', value: (m) => m.coaching.oneOnOnes, numeric: true },
      { title: 'Rated 1:1s', value: (m) => m.coaching.ratedOneOnOnes, numeric: true },
      {
        title: 'Rating share',
        value: (m) => m.coaching.ratingShare,
        format: (m) => pct(m.coaching.ratingShare),
        numeric: true,
      },
    ],
    rows,
    openTeam,
    'No managers yet.',
  );
}

/** A person's plan now: each competency's target, latest level (or not rated), gap and when rated. */
export function renderPerson(p: PersonDetail, openTeam: Open): void {
  $('person-h').textContent = personName(p);
  const host = $('person-figures');
  host.replaceChildren();
  const c = p.coaching;
  $('person-no-plan').hidden = c !== null;
  $('person-plan').hidden = c === null;
  if (c === null) return;
  figure(host, 'planSetAt', 'Plan set (UTC)', when(c.planSetAt));
  figure(host, 'averageGap', 'Average gap', num(c.averageGap, 2));
  figure(host, 'ratedShare', 'Competencies rated', pct(c.ratedShare));
  figure(host, 'lastRatedAt', 'Last rated (UTC)', c.lastRatedAt === null ? 'never' : when(c.lastRatedAt));
  renderTable(
    $('person-competencies'),
    `person-${p.id}-coaching`,
    [
      { title: 'Competency', value: (x) => x.competency },
      { title: 'Target', value: (x) => x.target, numeric: true },
      {
        title: 'Level',
        value: (x) => x.level,
        format: (x) => (x.level === null ? 'not rated' : String(x.level)),
        numeric: true,
      },
      { title: 'Gap', value: (x) => x.gap, numeric: true },
      {
        title: 'Last rated (UTC)',
        value: (x) => x.ratedAt,
        format: (x) => (x.ratedAt === null ? 'not rated' : when(x.ratedAt)),
      },
    ],
    c.competencies,
    openTeam,
    'The plan has no competencies.',
  );
}
