import { validateEvents } from '@orgpulse/contracts';
import { HISTORY_DAYS, historyTeam, teamHistories } from './history-independence';

describe("E7's history", () => {
  const end = new Date('2026-11-30T12:00:00Z');
  const events = teamHistories(3, 1_000, end);

  it('is valid input for the ingest API, every id unique, the same every time', () => {
    const result = validateEvents(events, end);
    expect(result.ok ? [] : result.problems.slice(0, 3)).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3_000);
    expect(teamHistories(3, 1_000, end)).toEqual(events);
  });

  it('gives each team its events over the year before the end, in occurrence order', () => {
    const times = events.map((e) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(Date.parse(times[0])).toBeGreaterThanOrEqual(end.getTime() - HISTORY_DAYS * 86_400_000);
    expect(Date.parse(times[times.length - 1])).toBeLessThan(end.getTime());
    for (let s = 0; s < 3; s++) {
      const own = events.filter((e) => (e.data as { teamId: string }).teamId === historyTeam(s));
      expect(own).toHaveLength(1_000);
      // registered first; the last is an unblock, so the stream after it meets no blocked team
      expect(own[0].type).toBe('team.registered');
      expect(own[own.length - 1].type).toBe('team.unblocked');
      const count = (type: string) => own.filter((e) => e.type === type).length;
      expect(count('discovery.interview-held')).toBeGreaterThan(300);
      expect(count('delivery.shipped')).toBeGreaterThan(300);
      expect(count('team.blocked')).toBeGreaterThan(90);
    }
  });
});
