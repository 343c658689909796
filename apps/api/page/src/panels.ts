import { SEQUENTIAL, chart, weekLabel } from './charts';
import { LEADER_OWNED, days, num, pct, ruleInWords, teamName, when } from './format';
import type {
  AlertRow,
  BlockingEdge,
  Breakdown,
  Settings,
  ManagerRow,
  OverviewAnswer,
  TeamDetail,
  BlockedRow,
  TeamRow,
} from './queries';
import { renderTable } from './table';

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
};
type OpenTeam = (id: string) => void;

/** One figure of a panel's <dl>, with its change against the previous window when given. */
export function figure(
  host: HTMLElement,
  key: string,
  label: string,
  value: string,
  change?: { delta: number; worseWhenUp: boolean; text: string },
) {
  const div = document.createElement('div');
  div.dataset.figure = key;
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  if (change) {
    const span = document.createElement('span');
    const worse = change.delta !== 0 && change.delta > 0 === change.worseWhenUp;
    span.className = `change ${change.delta === 0 ? '' : worse ? 'worse' : 'better'}`;
    span.textContent = `${change.delta > 0 ? '▲' : change.delta < 0 ? '▼' : '='} ${change.text} vs previous`;
    dd.append(span);
  }
  div.append(dt, dd);
  host.append(div);
}

export function renderHeadline(o: OverviewAnswer, settings: Settings): void {
  const host = $('figures');
  host.replaceChildren();
  const c = o.current;
  const p = o.previous;
  const delta = (a: number, b: number, worseWhenUp: boolean) => ({
    delta: a - b,
    worseWhenUp,
    text: num(Math.abs(a - b)),
  });
  figure(
    host,
    'idlePersonDays',
    'Idle person-days',
    num(c.idlePersonDays),
    delta(c.idlePersonDays, p.idlePersonDays, true),
  );
  figure(
    host,
    'blockedTeams',
    'Teams blocked now',
    `${c.blockedTeams} of ${c.teams}`,
    delta(c.blockedTeams, p.blockedTeams, true),
  );
  if (c.idleCost !== null && p.idleCost !== null)
    figure(host, 'idleCost', `Cost of idle time (${settings.currency})`, num(c.idleCost, 0), {
      ...delta(c.idleCost, p.idleCost, true),
      text: num(Math.abs(c.idleCost - p.idleCost), 0),
    });
  figure(
    host,
    'blockedHours',
    'Blocked hours',
    num(c.blockedHours, 0),
    delta(c.blockedHours, p.blockedHours, true),
  );
  figure(host, 'interviews', 'Interviews', String(c.interviews), delta(c.interviews, p.interviews, false));
  figure(
    host,
    'trioInterviews',
    'With the product trio',
    String(c.trioInterviews),
    delta(c.trioInterviews, p.trioInterviews, false),
  );
  figure(host, 'ships', 'Ships', String(c.ships), delta(c.ships, p.ships, false));
  figure(host, 'teams', 'Teams', String(c.teams), delta(c.teams, p.teams, false));
  const f = o.dataFreshness;
  $('freshness').textContent =
    f.lastEventProjectedAt === null
      ? 'Data freshness: no event projected yet, or not shown to a token scoped to a group.'
      : `Data as of ${when(f.lastEventProjectedAt)} UTC (${num(f.ageSeconds ?? 0, 0)} s ago); projection lag ${num(f.projectionLagSeconds ?? 0, 2)} s.`;
}

export function renderBlocked(
  teams: BlockedRow[],
  names: Map<string, string | null>,
  openTeam: OpenTeam,
  currency: string,
): void {
  const rows = teams
    .filter((t) => t.currentBlock !== null)
    .sort((a, b) => b.currentBlock!.idlePersonDays - a.currentBlock!.idlePersonDays);
  renderTable(
    $('blocked-table'),
    'blocked-now',
    [
      { title: 'Team', value: (t) => t.name ?? t.id, teamId: (t) => t.id },
      {
        title: 'Idle person-days so far',
        value: (t) => t.currentBlock!.idlePersonDays,
        format: (t) => num(t.currentBlock!.idlePersonDays),
        numeric: true,
      },
      {
        title: 'Blocked for (days)',
        value: (t) => days(t.currentBlock!.since),
        format: (t) => num(days(t.currentBlock!.since)),
        numeric: true,
      },
      {
        title: 'Reason',
        value: (t) => t.currentBlock!.reason,
        className: (t) => (LEADER_OWNED.has(t.currentBlock!.reason) ? 'owned' : ''),
      },
      {
        title: 'Blocking team',
        value: (t) => t.currentBlock!.blockedBy,
        format: (t) => teamName(names, t.currentBlock!.blockedBy),
        teamId: (t) => t.currentBlock!.blockedBy,
      },
      {
        title: `Cost (${currency})`,
        value: (t) => t.currentBlock!.idleCost,
        format: (t) =>
          t.currentBlock!.idleCost === null ? 'cost not set' : num(t.currentBlock!.idleCost, 0),
        numeric: true,
      },
    ],
    rows,
    openTeam,
    'No team is blocked now.',
  );
}

const WEEK = 7 * 86_400_000;
type Week = TeamRow['weeklyTrend'][number];

/** The [from, to) the page asked for, and the time it asked: which weeks are whole and past. */
export interface Span {
  from: string;
  to: string;
  now: number;
}

/**
 * Whether a week of a team can count as a miss: the whole week lies in the window and in the past,
 * and the team existed all of it. Other weeks show what happened in them, never a miss.
 */
function counts(team: TeamRow, week: Week, span: Span): boolean {
  const start = Date.parse(week.weekStart);
  const whole = start >= Date.parse(span.from) && start + WEEK <= Math.min(Date.parse(span.to), span.now);
  const existed = team.registeredAt !== null && Date.parse(team.registeredAt) <= start;
  return whole && existed;
}

function heatmap(
  host: HTMLElement,
  teams: TeamRow[],
  value: (w: Week, team: TeamRow) => number | null,
  pieces: object,
  name: string,
): void {
  const weeks = teams[0]?.weeklyTrend.map((w) => weekLabel(w.weekStart)) ?? [];
  // null: nothing to paint (ECharts leaves '-' cells empty)
  const cell = (t: TeamRow, w: Week) => {
    const v = value(w, t);
    return v === null ? '-' : Math.round(v * 10) / 10;
  };
  const data = teams.flatMap((t, y) => t.weeklyTrend.map((w, x) => [x, y, cell(t, w)]));
  // what the canvas shows, also readable from the DOM (tests, screen readers' summaries)
  host.dataset.rows = teams.map((t) => t.name ?? t.id).join('|');
  host.dataset.weeks = String(weeks.length);
  host.dataset.total = String(
    teams.reduce((sum, t) => sum + t.weeklyTrend.reduce((s2, w) => s2 + (value(w, t) ?? 0), 0), 0),
  );
  host.dataset.zeros = JSON.stringify(
    Object.fromEntries(
      teams.map((t) => [
        t.name ?? t.id,
        t.weeklyTrend.filter((w) => value(w, t) === 0).map((w) => weekLabel(w.weekStart)),
      ]),
    ),
  );
  host.setAttribute('aria-label', `${name} of ${teams.length} teams over ${weeks.length} weeks`);
  chart(host, {
    tooltip: { position: 'top' },
    grid: { left: 8, right: 8, top: 8, bottom: 60, containLabel: true },
    xAxis: { type: 'category', data: weeks },
    yAxis: { type: 'category', data: teams.map((t) => t.name ?? t.id), inverse: true },
    visualMap: { orient: 'horizontal', left: 'center', bottom: 0, ...pieces },
    series: [{ name, type: 'heatmap', data, label: { show: teams.length <= 25 && weeks.length <= 16 } }],
  });
}

export function renderHeatmaps(teams: TeamRow[], discoveryTarget: number, span: Span): void {
  const max = Math.max(1, ...teams.flatMap((t) => t.weeklyTrend.map((w) => w.idlePersonDays)));
  heatmap(
    $('idle-heatmap-chart'),
    teams,
    (w) => w.idlePersonDays,
    { min: 0, max, calculable: true, inRange: { color: SEQUENTIAL } },
    'idle person-days',
  );
  // blue: target met; orange: some, below target; vermillion: none, only for a whole past week of a
  // team that existed all of it (a week before the team, or this week so far, is no miss)
  heatmap(
    $('discovery-heatmap-chart'),
    teams,
    (w, t) => (w.interviews === 0 && !counts(t, w, span) ? null : w.interviews),
    {
      type: 'piecewise',
      pieces: [
        { value: 0, label: 'no interview', color: '#D55E00' },
        ...(discoveryTarget > 1
          ? [{ gte: 1, lt: discoveryTarget, label: 'below target', color: '#E69F00' }]
          : []),
        { gte: discoveryTarget, label: `≥ ${discoveryTarget} (target)`, color: '#0072B2' },
      ],
    },
    'interviews',
  );
}

interface Edge {
  blocking: string;
  blocked: string;
  idlePersonDays: number;
  blockedHours: number;
}

export function renderBlocking(
  blockingEdges: BlockingEdge[],
  names: Map<string, string | null>,
  openTeam: OpenTeam,
): void {
  const edges: Edge[] = blockingEdges.map((e) => ({
    blocking: e.blockingTeamId,
    blocked: e.blockedTeamId,
    idlePersonDays: e.idlePersonDays,
    blockedHours: e.blockedHours,
  }));
  const ids = [...new Set(edges.flatMap((e) => [e.blocking, e.blocked]))];
  const max = Math.max(1, ...edges.map((e) => e.idlePersonDays));
  const host = $('blocking-chart');
  host.dataset.edges = String(edges.length);
  const c = chart(host, {
    tooltip: {},
    series: [
      {
        type: 'graph',
        layout: 'circular',
        label: { show: true, position: 'right' },
        edgeSymbol: ['none', 'arrow'],
        data: ids.map((id) => ({ id, name: teamName(names, id), symbolSize: 18 })),
        links: edges.map((e) => ({
          source: e.blocking,
          target: e.blocked,
          value: Math.round(e.idlePersonDays * 10) / 10,
          lineStyle: { width: 1 + (7 * e.idlePersonDays) / max, curveness: 0.2 },
        })),
      },
    ],
  });
  c.off('click');
  c.on('click', (p) => {
    if (p.dataType === 'node') openTeam((p.data as { id: string }).id);
  });
  renderTable(
    $('blocking-table'),
    'who-blocks-whom',
    [
      {
        title: 'Blocking team',
        value: (e) => e.blocking,
        format: (e) => teamName(names, e.blocking),
        teamId: (e) => e.blocking,
      },
      {
        title: 'Blocked team',
        value: (e) => e.blocked,
        format: (e) => teamName(names, e.blocked),
        teamId: (e) => e.blocked,
      },
      {
        title: 'Idle person-days',
        value: (e) => e.idlePersonDays,
        format: (e) => num(e.idlePersonDays),
        numeric: true,
      },
      {
        title: 'Blocked hours',
        value: (e) => e.blockedHours,
        format: (e) => num(e.blockedHours),
        numeric: true,
      },
    ],
    edges,
    openTeam,
    'No team was blocked by another in this window.',
  );
}

export function renderReasons(teams: TeamRow[], openTeam: OpenTeam): void {
  const byReason = new Map<string, Breakdown>();
  for (const t of teams)
    for (const r of t.idlenessByReason) {
      const sum = byReason.get(r.key) ?? { key: r.key, idlePersonDays: 0, blockedHours: 0 };
      sum.idlePersonDays += r.idlePersonDays;
      sum.blockedHours += r.blockedHours;
      byReason.set(r.key, sum);
    }
  // the reasons leaders own first: they are the ones a leader can act on this week
  const rows = [...byReason.values()].sort(
    (a, b) =>
      Number(LEADER_OWNED.has(b.key)) - Number(LEADER_OWNED.has(a.key)) ||
      b.idlePersonDays - a.idlePersonDays,
  );
  chart($('reasons-chart'), {
    tooltip: {},
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: 'idle person-days' },
    yAxis: {
      type: 'category',
      data: rows.map((r) => (LEADER_OWNED.has(r.key) ? `◆ ${r.key}` : r.key)),
      inverse: true,
    },
    series: [
      {
        type: 'bar',
        data: rows.map((r) => ({
          value: Math.round(r.idlePersonDays * 10) / 10,
          itemStyle: { color: LEADER_OWNED.has(r.key) ? '#D55E00' : '#0072B2' },
        })),
      },
    ],
  });
  renderTable(
    $('reasons-table'),
    'idle-by-reason',
    [
      { title: 'Reason', value: (r) => r.key, className: (r) => (LEADER_OWNED.has(r.key) ? 'owned' : '') },
      { title: 'Owned by leaders', value: (r) => (LEADER_OWNED.has(r.key) ? 'yes' : 'no') },
      {
        title: 'Idle person-days',
        value: (r) => r.idlePersonDays,
        format: (r) => num(r.idlePersonDays),
        numeric: true,
      },
      {
        title: 'Blocked hours',
        value: (r) => r.blockedHours,
        format: (r) => num(r.blockedHours),
        numeric: true,
      },
    ],
    rows,
    openTeam,
    'No idle time in this window.',
  );
}

export function renderManagers(managers: ManagerRow[], openTeam: OpenTeam): void {
  const rows = [...managers].sort(
    (a, b) => b.overdueReports.length - a.overdueReports.length || b.directReports - a.directReports,
  );
  renderTable(
    $('managers-table'),
    'managers',
    [
      { title: 'Manager', value: (m) => m.person.name ?? m.id },
      { title: 'Span of control', value: (m) => m.directReports, numeric: true },
      {
        title: '1:1 coverage',
        value: (m) => m.oneOnOneCoverage,
        format: (m) => pct(m.oneOnOneCoverage),
        numeric: true,
      },
      { title: 'Overdue reports', value: (m) => m.overdueReports.length, numeric: true },
      {
        title: 'Who',
        value: (m) => {
          const named = new Map(m.person.reports.map((r) => [r.id, r.name]));
          return m.overdueReports.map((id) => named.get(id) || id).join(', ');
        },
      },
      { title: 'People in subtree', value: (m) => m.subtree.people, numeric: true },
      {
        title: 'Subtree 1:1 coverage',
        value: (m) => m.subtree.oneOnOneCoverage,
        format: (m) => pct(m.subtree.oneOnOneCoverage),
        numeric: true,
      },
    ],
    rows,
    openTeam,
    'No managers yet.',
  );
}

export function renderAlert(
  alert: AlertRow,
  names: Map<string, string | null>,
  live: boolean,
  settings: Settings,
): void {
  const feed = $('alert-feed');
  feed.querySelector(`[data-alert="${CSS.escape(alert.id)}"]`)?.remove();
  const li = document.createElement('li');
  li.dataset.alert = alert.id;
  li.dataset.subject = alert.subjectId;
  li.dataset.rule = alert.rule;
  li.className = alert.status;
  li.tabIndex = 0;
  const at = alert.status === 'OPEN' ? alert.raisedAt : (alert.resolvedAt ?? alert.raisedAt);
  const subject = alert.subjectName ?? teamName(names, alert.subjectId);
  const time = document.createElement('time');
  time.dateTime = at;
  time.textContent = `${when(at)} `;
  li.append(
    time,
    `${alert.status === 'OPEN' ? '' : 'Resolved: '}${ruleInWords(alert.rule, subject, settings)}`,
  );
  li.title = alert.rule;
  if (live) feed.prepend(li);
  else feed.append(li);
}

export function renderTeam(t: TeamDetail, names: Map<string, string | null>, openTeam: OpenTeam): void {
  $('team-h').textContent = t.name ?? t.id;
  const host = $('team-figures');
  host.replaceChildren();
  figure(host, 'headcount', 'Headcount', String(t.headcount));
  figure(host, 'idlePersonDays', 'Idle person-days', num(t.idleness.idlePersonDays));
  figure(host, 'blockedEpisodes', 'Blocked episodes', String(t.idleness.blockedEpisodes));
  figure(host, 'interviews', 'Interviews', String(t.discovery.interviews));
  figure(host, 'ships', 'Ships', String(t.delivery.ships));
  figure(host, 'blocked', 'Now', t.currentBlock ? `blocked (${t.currentBlock.reason})` : 'not blocked');
  const weeks = t.weeklyTrend.map((w) => weekLabel(w.weekStart));
  chart($('team-chart'), {
    tooltip: { trigger: 'axis' },
    legend: {},
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: weeks },
    yAxis: [
      { type: 'value', name: 'idle person-days' },
      { type: 'value', name: 'count' },
    ],
    series: [
      {
        name: 'idle person-days',
        type: 'bar',
        data: t.weeklyTrend.map((w) => Math.round(w.idlePersonDays * 10) / 10),
      },
      { name: 'interviews', type: 'line', yAxisIndex: 1, data: t.weeklyTrend.map((w) => w.interviews) },
      { name: 'ships', type: 'line', yAxisIndex: 1, data: t.weeklyTrend.map((w) => w.ships) },
    ],
  });
  renderTable(
    $('team-timeline'),
    `team-${t.id}-timeline`,
    [
      { title: 'When (UTC)', value: (e) => e.at, format: (e) => when(e.at) },
      { title: 'What', value: (e) => e.kind },
      { title: 'Reason', value: (e) => e.reason },
      {
        title: 'Blocking team',
        value: (e) => e.blockedBy,
        format: (e) => teamName(names, e.blockedBy),
        teamId: (e) => e.blockedBy,
      },
      { title: 'Headcount', value: (e) => e.headcount, numeric: true },
    ],
    t.timeline,
    openTeam,
    'Nothing happened in this window.',
  );
}
