import type { Client } from 'graphql-ws';
import { ApiError, graphql, subscriptions } from './api';
import { renderCoaching, renderPerson } from './coaching';
import {
  renderAlert,
  renderBlocked,
  renderBlocking,
  renderHeadline,
  renderHeatmaps,
  renderManagers,
  renderReasons,
  renderTeam,
} from './panels';
import {
  ALERTS,
  ALERT_CHANGED,
  GROUPS,
  MANAGERS,
  OVERVIEW,
  PERSON,
  SETTINGS,
  TEAM,
  TEAMS,
  TEAMS_PAGE_SIZE,
  BLOCKED,
  BLOCKED_PAGE_SIZE,
  type BlockedAnswer,
  type BlockedRow,
} from './queries';
import type {
  AlertRow,
  AlertsAnswer,
  GroupRow,
  ManagersAnswer,
  OverviewAnswer,
  PersonDetail,
  Settings,
  TeamDetail,
  TeamRow,
} from './queries';
import { currentToken, signIn, signOut, tokenFromFragment } from './session';
import {
  PRESETS,
  type Preset,
  type ViewState,
  presetRange,
  previousWindow,
  readViewState,
  windowOf,
  writeViewState,
} from './view-state';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
let state: ViewState = readViewState();
let live: Client | undefined;
let generation = 0;
const names = new Map<string, string | null>();
let thresholds: Settings | undefined;
/** A wall screen stays current: the view is asked again this often, and at once when an alert changes. */
export const REFRESH_MS = 60_000;
let refreshTimer: ReturnType<typeof setInterval> | undefined;
let refreshing: Promise<void> | undefined;
let refreshAgain = false;

const show = (view: 'sign-in' | 'dashboard' | 'team' | 'person') => {
  $('sign-in').hidden = view !== 'sign-in';
  $('dashboard').hidden = view !== 'dashboard';
  $('team-page').hidden = view !== 'team';
  $('person-page').hidden = view !== 'person';
  $('controls').hidden = view === 'sign-in';
};
const status = (text: string) => ($('status').textContent = text);

/** The first page of teams (a large org is narrowed by group), and every team blocked now. */
async function firstTeams(token: string, w: object, g: string | null): Promise<TeamRow[]> {
  return (await graphql<{ teams: TeamRow[] }>(token, TEAMS, { w, g, first: TEAMS_PAGE_SIZE })).teams;
}

async function blockedTeams(token: string, g: string | null): Promise<{ rows: BlockedRow[]; total: number }> {
  const answer = await graphql<BlockedAnswer>(token, BLOCKED, { g, first: BLOCKED_PAGE_SIZE });
  return { rows: answer.teams, total: answer.blockedCount.totalCount };
}

/**
 * The hierarchy of issue 13, when the API has it; without it the page shows the whole org only. Asked
 * over the socket: an API without `groups` refuses it there without a failed request in the console.
 */
async function loadGroups(socket: Client): Promise<void> {
  let groups: GroupRow[];
  try {
    const answer = await socket.iterate<{ groups: GroupRow[] }>({ query: GROUPS }).next();
    if (answer.done || !answer.value.data) return;
    groups = answer.value.data.groups;
  } catch {
    return;
  }
  const select = $<HTMLSelectElement>('group');
  const depth = (g: GroupRow): number => {
    let d = 0;
    for (let p = g.parent; p && d < groups.length; d++)
      p = groups.find((x) => x.id === p!.id)?.parent ?? null;
    return d;
  };
  select.replaceChildren(new Option('whole org', ''));
  for (const g of groups) select.append(new Option(`${'  '.repeat(depth(g))}${g.name ?? g.id}`, g.id));
  select.value = state.group;
  $('group-label').hidden = groups.length === 0;
}

async function loadDashboard(token: string, quiet = false): Promise<void> {
  const mine = ++generation;
  show('dashboard');
  if (!quiet) status('Loading…');
  const w = windowOf(state);
  const g = state.group || null;
  const [overview, settings, teams, blocked, managers] = await Promise.all([
    graphql<OverviewAnswer>(token, OVERVIEW, { w, p: previousWindow(w), g }),
    graphql<{ settings: Settings }>(token, SETTINGS, {}),
    firstTeams(token, w, g),
    blockedTeams(token, g),
    graphql<ManagersAnswer>(token, MANAGERS, { w }),
  ]);
  if (mine !== generation) return;
  for (const t of [...teams, ...blocked.rows]) names.set(t.id, t.name);
  thresholds = settings.settings;
  renderHeadline(overview, settings.settings);
  renderBlocked(blocked.rows, names, openTeam, settings.settings.currency);
  renderHeatmaps(teams, settings.settings.discoveryTarget, { ...w, now: Date.now() });
  renderBlocking(overview.blockingEdges, names, openTeam);
  renderReasons(teams, openTeam);
  const managerRows = managers.managers;
  renderManagers(managerRows, openTeam);
  renderCoaching(managerRows, openTeam, openPerson);
  const managerCount = managers.managerCount.totalCount;
  // the advice only where the picker is there (an org without groups has none)
  const pick = $('group-label').hidden ? '.' : ': pick a group to see the others.';
  const shown =
    (overview.current.teams > teams.length
      ? ` The team panels show the first ${teams.length} of ${overview.current.teams} teams${pick}`
      : '') +
    (blocked.total > blocked.rows.length
      ? ` Blocked now shows ${blocked.rows.length} of ${blocked.total} blocked teams (the first by id)${pick}`
      : '') +
    (managerCount > managerRows.length
      ? ` The manager panels show ${managerRows.length} of ${managerCount} managers (the first by id).`
      : '');
  status(
    `${w.from.slice(0, 10)} to ${w.to.slice(0, 10)} (exclusive), compared with the ${Math.round((Date.parse(w.to) - Date.parse(w.from)) / 86_400_000)} days before.${shown}`,
  );
  document.body.dataset.loaded = String(mine);
}

async function loadTeam(token: string): Promise<void> {
  const mine = ++generation;
  show('team');
  const { team } = await graphql<{ team: TeamDetail | null }>(token, TEAM, {
    id: state.team,
    w: windowOf(state),
  });
  if (mine !== generation) return;
  if (team === null) {
    $('team-h').textContent = `No team ${state.team}`;
    return;
  }
  renderTeam(team, names, openTeam);
  document.body.dataset.loaded = String(mine);
}

async function loadPerson(token: string): Promise<void> {
  const mine = ++generation;
  show('person');
  const { person } = await graphql<{ person: PersonDetail | null }>(token, PERSON, { id: state.person });
  if (mine !== generation) return;
  if (person === null) {
    // also what a token scoped to a group gets: it sees no people (contract §8)
    $('person-h').textContent = `No person ${state.person}`;
    $('person-no-plan').hidden = true;
    $('person-plan').hidden = true;
  } else renderPerson(person, openTeam);
  document.body.dataset.loaded = String(mine);
}

/** The view the state names: a team page, a person's coaching view, or the dashboard. */
const loadView = (token: string, quiet = false): Promise<void> =>
  state.team ? loadTeam(token) : state.person ? loadPerson(token) : loadDashboard(token, quiet);

function connect(token: string): Client {
  void live?.dispose();
  live = subscriptions(token, (connected) => {
    $('live').classList.toggle('on', connected);
    $('live').textContent = connected ? 'live' : 'reconnecting…';
  });
  return live;
}

async function startAlerts(token: string, socket: Client): Promise<void> {
  const [{ alerts, openCount }, { settings }] = await Promise.all([
    graphql<AlertsAnswer>(token, ALERTS, {}),
    graphql<{ settings: Settings }>(token, SETTINGS, {}),
  ]);
  thresholds ??= settings;
  const note = $('alerts-note');
  note.hidden = openCount.totalCount <= alerts.length;
  note.textContent = `The latest ${alerts.length} of ${openCount.totalCount} open alerts, then each change as it happens.`;
  $('alert-feed').replaceChildren();
  for (const a of [...alerts].sort((x, y) => y.raisedAt.localeCompare(x.raisedAt)))
    renderAlert(a, names, false, thresholds);
  socket.subscribe<{ alertChanged: AlertRow }>(
    { query: ALERT_CHANGED },
    {
      next: (m) => {
        if (!m.data) return;
        renderAlert(m.data.alertChanged, names, true, thresholds ?? settings);
        void refresh();
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
}

/** The row a keyboard user is on, to be found again after the view is drawn anew. */
function focusedRow(): { table: string; key: 'team' | 'person'; id: string } | undefined {
  const row = document.activeElement?.closest('tr');
  const table = row?.closest('table')?.dataset.table;
  if (!row || !table) return undefined;
  if (row.dataset.team) return { table, key: 'team', id: row.dataset.team };
  if (row.dataset.person) return { table, key: 'person', id: row.dataset.person };
  return undefined;
}

/**
 * Asks for the view on screen again, quietly: no "Loading…", the focused row kept. One refresh at a
 * time; one asked for meanwhile runs right after it.
 */
async function refresh(): Promise<void> {
  const token = currentToken();
  if (!token) return;
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  const focused = focusedRow();
  refreshing = loadView(token, true)
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) return refused();
      status(`Could not refresh: ${error instanceof Error ? error.message : String(error)}`);
    })
    .finally(() => {
      refreshing = undefined;
      if (focused)
        document
          .querySelector<HTMLElement>(
            `[data-table="${CSS.escape(focused.table)}"] tr[data-${focused.key}="${CSS.escape(focused.id)}"]`,
          )
          ?.focus();
      if (refreshAgain) {
        refreshAgain = false;
        void refresh();
      }
    });
  await refreshing;
}

function keepRefreshing(): void {
  clearInterval(refreshTimer);
  refreshTimer = setInterval(() => void refresh(), REFRESH_MS);
  document.body.dataset.refreshSeconds = String(REFRESH_MS / 1000);
}

function syncControls(): void {
  $<HTMLSelectElement>('preset').value = state.preset;
  $<HTMLInputElement>('from').value = state.from;
  $<HTMLInputElement>('to').value = state.to;
  $<HTMLSelectElement>('group').value = state.group;
}

async function render(push: boolean): Promise<void> {
  writeViewState(state, push);
  syncControls();
  const token = currentToken();
  if (!token) {
    show('sign-in');
    $('token').focus();
    return;
  }
  try {
    await loadView(token);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return refused();
    status(`Could not load: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

function refused(): void {
  clearInterval(refreshTimer);
  signOut();
  void live?.dispose();
  live = undefined;
  $('sign-in-error').textContent = 'That token was refused: check it, or ask an admin for a new one.';
  show('sign-in');
  $('token').focus();
}

function openTeam(id: string): void {
  state = { ...state, team: id, person: '' };
  void render(true);
}

function openPerson(id: string): void {
  state = { ...state, team: '', person: id };
  void render(true);
}

function update(change: Partial<ViewState>): void {
  state = { ...state, ...change };
  void render(true);
}

async function start(): Promise<void> {
  const token = currentToken();
  if (!token) return render(false);
  try {
    await render(false);
    if (!currentToken()) return; // refused
    const socket = connect(token);
    keepRefreshing();
    await loadGroups(socket);
    await startAlerts(token, socket);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
    refused();
  }
}

tokenFromFragment();
/** A typed token is checked with one request before the page asks for everything with it. */
async function submitToken(): Promise<void> {
  const input = $<HTMLInputElement>('token');
  const token = input.value.trim();
  $('sign-in-error').textContent = '';
  try {
    await graphql(token, 'query SignIn { __typename }', {});
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return refused();
    $('sign-in-error').textContent =
      `Could not reach the API: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  input.value = '';
  signIn(token);
  await start();
}

$('sign-in-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void submitToken();
});
$('sign-out').addEventListener('click', () => {
  clearInterval(refreshTimer);
  signOut();
  void live?.dispose();
  live = undefined;
  void render(false);
});
$('preset').addEventListener('change', () => {
  const preset = $<HTMLSelectElement>('preset').value as Preset;
  update(preset === 'custom' ? { preset } : { preset, ...presetRange(preset), team: state.team });
});
for (const id of ['from', 'to'])
  $(id).addEventListener('change', () => {
    const from = $<HTMLInputElement>('from').value;
    const to = $<HTMLInputElement>('to').value;
    if (from && to && from < to) update({ preset: 'custom', from, to });
  });
$('group').addEventListener('change', () =>
  update({ group: $<HTMLSelectElement>('group').value, team: '', person: '' }),
);
for (const id of ['home', 'back', 'person-back'])
  $(id).addEventListener('click', (e) => {
    e.preventDefault();
    update({ team: '', person: '' });
  });
addEventListener('popstate', () => {
  state = readViewState();
  void render(false);
});
// 1–4 pick a window preset, g the group picker, Escape back to the dashboard
addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
  const presets = Object.keys(PRESETS) as (keyof typeof PRESETS)[];
  const index = Number(e.key) - 1;
  if (presets[index]) update({ preset: presets[index], ...presetRange(presets[index]) });
  else if (e.key === 'g' && !$('group-label').hidden) $('group').focus();
  else if (e.key === 'Escape' && (state.team || state.person)) update({ team: '', person: '' });
});
void start();
