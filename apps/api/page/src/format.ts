export const num = (v: number, digits = 1): string =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
export const pct = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 100)}%`);
export const when = (iso: string | null): string => (iso === null ? '–' : iso.slice(0, 16).replace('T', ' '));
export const days = (fromIso: string, now = Date.now()): number => (now - Date.parse(fromIso)) / 86_400_000;
/** The block reasons leaders own: priorities and decisions are theirs to settle. */
export const LEADER_OWNED = new Set(['unclear-priorities', 'decision-pending']);
export const teamName = (names: Map<string, string | null>, id: string | null): string =>
  id === null ? '–' : (names.get(id) ?? null) || id;
