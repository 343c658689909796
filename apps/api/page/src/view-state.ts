const DAY = 86_400_000;
export const PRESETS = { '4w': 28, '12w': 84, '26w': 182, '52w': 364 } as const;
export type Preset = keyof typeof PRESETS | 'custom';

/** What the page shows, all of it in the URL's query string, so a view can be shared. */
export interface ViewState {
  preset: Preset;
  from: string; // YYYY-MM-DD, UTC
  to: string; // exclusive
  group: string;
  team: string;
  /** A person's coaching view; a team page wins when both are given. */
  person: string;
}

export interface Window {
  from: string;
  to: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isDay = (s: string | null): s is string =>
  s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

/** Presets end at the start of tomorrow (UTC), so today's figures are in. */
export function presetRange(preset: keyof typeof PRESETS, now = Date.now()): { from: string; to: string } {
  const end = Date.parse(day(now)) + DAY;
  return { from: day(end - PRESETS[preset] * DAY), to: day(end) };
}

export function readViewState(search = location.search): ViewState {
  const params = new URLSearchParams(search);
  const preset = (params.get('window') ?? '12w') as Preset;
  const from = params.get('from');
  const to = params.get('to');
  const group = params.get('group') ?? '';
  const team = params.get('team') ?? '';
  const person = team ? '' : (params.get('person') ?? '');
  if (preset === 'custom' && isDay(from) && isDay(to) && from < to)
    return { preset, from, to, group, team, person };
  const known = preset in PRESETS ? (preset as keyof typeof PRESETS) : '12w';
  return { preset: known, ...presetRange(known), group, team, person };
}

export function writeViewState(state: ViewState, push: boolean): void {
  const params = new URLSearchParams({ window: state.preset });
  if (state.preset === 'custom') {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  if (state.group) params.set('group', state.group);
  if (state.team) params.set('team', state.team);
  else if (state.person) params.set('person', state.person);
  const url = `${location.pathname}?${params.toString()}`;
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

export const windowOf = (s: ViewState): Window => ({
  from: `${s.from}T00:00:00.000Z`,
  to: `${s.to}T00:00:00.000Z`,
});

/** The window of the same length just before: the comparison for every headline figure. */
export function previousWindow(w: Window): Window {
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  return { from: new Date(from - (to - from)).toISOString(), to: w.from };
}
