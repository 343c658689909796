import type { EventEnvelope } from '@orgpulse/contracts';

const TEAMS = 8;
const PEOPLE = 16;
const MANAGERS = 3;
const STEP_MS = 30_000;

/**
 * An endless, deterministic stream of valid events of one org touching every read model: teams
 * (blocked, unblocked, interviews, ships, headcount), people and reporting lines, and 1:1s. About
 * one event in ten is late (occurred hours before the ones already sent), so subjects get re-folded.
 */
export function* mixedEventStream(idPrefix: string, startAt = Date.now() - 60 * 86_400_000) {
  let seq = 0;
  const next = (type: EventEnvelope['type'], data: Record<string, unknown>, lateByMs = 0): EventEnvelope => {
    const occurredAt = new Date(startAt + seq * STEP_MS - lateByMs).toISOString();
    const event = { id: `${idPrefix}-${seq}`, type, occurredAt, source: 'fault-suite', data };
    seq += 1;
    return event as EventEnvelope;
  };
  const team = (n: number) => `team-${n % TEAMS}`;
  const person = (n: number) => `person-${n % PEOPLE}`;
  const manager = (n: number) => `manager-${n % MANAGERS}`;

  for (let m = 0; m < MANAGERS; m++)
    yield next('person.registered', { personId: manager(m), role: 'engineering-manager' });
  for (let p = 0; p < PEOPLE; p++)
    yield next('person.registered', { personId: person(p), role: 'engineer', managerId: manager(p) });
  for (let t = 0; t < TEAMS; t++)
    yield next('team.registered', {
      teamId: team(t),
      name: `Team ${t}`,
      headcount: 3 + t,
      groupId: `group-${t % 2}`,
    });

  for (let i = 0; ; i++) {
    const r = (i * 2_654_435_761) >>> 0;
    const late = r % 10 === 0 ? (1 + (r % 7)) * 3_600_000 : 0;
    switch (r % 8) {
      case 0:
      case 1:
        yield next(
          'team.blocked',
          { teamId: team(r >>> 3), reason: r % 3 ? 'dependency' : 'environment' },
          late,
        );
        break;
      case 2:
        yield next('team.unblocked', { teamId: team(r >>> 3) }, late);
        break;
      case 3:
        yield next('discovery.interview-held', { teamId: team(r >>> 3), participantRoles: ['pm'] }, late);
        break;
      case 4:
        yield next('delivery.shipped', { teamId: team(r >>> 3), release: `r${i}` }, late);
        break;
      case 5:
        yield next('one-on-one.held', { managerId: manager(r >>> 3), reportId: person(r >>> 5) }, late);
        break;
      case 6:
        yield next(
          'person.manager-changed',
          { personId: person(r >>> 3), managerId: manager(r >>> 7) },
          late,
        );
        break;
      default:
        yield next(
          'team.registered',
          { teamId: team(r >>> 3), name: `Team ${r % TEAMS}`, headcount: r % 12 },
          late,
        );
    }
  }
}
