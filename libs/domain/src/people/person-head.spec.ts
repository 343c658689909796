import type { AcceptedEvent } from '@orgpulse/contracts';
import { at, ev } from '../metrics/metrics.test-support';
import { emptyManagerHead, evolveManagerHead } from './manager-head';
import { oneOnOneFactOf, personFactsOf } from './person-facts';
import { type PersonHead, emptyPersonHead, evolvePersonHead } from './person-head';

const person = (type: AcceptedEvent['type'], occurredAt: string, data: Record<string, unknown> = {}) =>
  ev(type, occurredAt, { personId: 'ana', ...data });
const fold = (events: AcceptedEvent[]): PersonHead =>
  personFactsOf(events).reduce(evolvePersonHead, emptyPersonHead('ana'));

describe('person head: name, role and the current reporting line', () => {
  it.each<[string, AcceptedEvent[], Partial<PersonHead>]>([
    [
      'registered with a manager',
      [person('person.registered', '2026-01-05T00:00:00Z', { name: 'Ana', role: 'pm', managerId: 'bo' })],
      { name: 'Ana', role: 'pm', managerId: 'bo', managerSince: at('2026-01-05T00:00:00Z') },
    ],
    [
      'registered again without managerId: the line and the name stay',
      [
        person('person.registered', '2026-01-05T00:00:00Z', { name: 'Ana', role: 'pm', managerId: 'bo' }),
        person('person.registered', '2026-01-06T00:00:00Z', { role: 'leader' }),
      ],
      { name: 'Ana', role: 'leader', managerId: 'bo', managerSince: at('2026-01-05T00:00:00Z') },
    ],
    [
      'the same manager again: the line goes on unbroken',
      [
        person('person.manager-changed', '2026-01-05T00:00:00Z', { managerId: 'bo' }),
        person('person.manager-changed', '2026-01-08T00:00:00Z', { managerId: 'bo' }),
      ],
      { managerId: 'bo', managerSince: at('2026-01-05T00:00:00Z') },
    ],
    [
      'another manager: a new line',
      [
        person('person.manager-changed', '2026-01-05T00:00:00Z', { managerId: 'bo' }),
        person('person.manager-changed', '2026-01-08T00:00:00Z', { managerId: 'cy' }),
      ],
      { managerId: 'cy', managerSince: at('2026-01-08T00:00:00Z') },
    ],
    [
      'no manager',
      [
        person('person.manager-changed', '2026-01-05T00:00:00Z', { managerId: 'bo' }),
        person('person.manager-changed', '2026-01-08T00:00:00Z', { managerId: null }),
      ],
      { managerId: null, managerSince: null },
    ],
  ])('%s', (_, events, expected) => {
    expect(fold(events)).toMatchObject(expected);
  });
});

describe('manager head: the latest 1:1 with each report', () => {
  it('keeps the latest per report, whatever the order', () => {
    const held = (reportId: string, occurredAt: string) =>
      ev('one-on-one.held', occurredAt, { managerId: 'bo', reportId });
    const head = [
      held('ana', '2026-01-08T00:00:00Z'),
      held('ana', '2026-01-05T00:00:00Z'),
      held('cy', '2026-01-06T00:00:00Z'),
    ]
      .map((e, position) => ({ at: Date.parse(e.occurredAt), position, data: oneOnOneFactOf(e)! }))
      .reduce(evolveManagerHead, emptyManagerHead('bo'));
    expect(head.lastOneOnOneWith).toEqual({
      ana: at('2026-01-08T00:00:00Z'),
      cy: at('2026-01-06T00:00:00Z'),
    });
  });
});
