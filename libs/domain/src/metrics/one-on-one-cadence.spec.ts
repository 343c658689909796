import { buildPersonTimeline, directReportsOf } from '../people/person-timeline';
import { at, day, ev } from './metrics.test-support';
import { oneOnOneCadence } from './one-on-one-cadence';

const person = (id: string, ...events: ReturnType<typeof ev>[]) => buildPersonTimeline(id, events);
const people = [
  person('ann', ev('person.registered', day(0), { personId: 'ann', role: 'pm', managerId: 'mia' })),
  person(
    'bob',
    ev('person.registered', day(0), { personId: 'bob', role: 'pm', managerId: 'mia' }),
    ev('person.manager-changed', day(10), { personId: 'bob', managerId: 'max' }),
  ),
  person(
    'cy',
    ev('person.registered', day(0), { personId: 'cy', role: 'designer' }),
    ev('person.manager-changed', day(5), { personId: 'cy', managerId: 'mia' }),
  ),
  person(
    'dee',
    ev('person.registered', day(0), { personId: 'dee', role: 'engineer', managerId: 'mia' }),
    ev('person.manager-changed', day(3), { personId: 'dee', managerId: null }),
  ),
];

describe('span of control over time', () => {
  it.each([
    [day(1), ['ann', 'bob', 'dee']],
    [day(6), ['ann', 'bob', 'cy']],
    [day(12), ['ann', 'cy']],
  ])('reports of mia at %s', (asOf, expected) =>
    expect(directReportsOf('mia', people, at(asOf))).toEqual(expected),
  );

  it('person.registered without managerId keeps the reporting line; null clears it', () => {
    const p = person(
      'x',
      ev('person.registered', day(0), { personId: 'x', role: 'pm', managerId: 'mia' }),
      ev('person.registered', day(1), { personId: 'x', role: 'leader' }),
    );
    expect(directReportsOf('mia', [p], at(day(2)))).toEqual(['x']);
  });
});

describe('1:1 cadence: given reports and 1:1s, when measured as of a time, then', () => {
  const oneOnOnes = [
    { reportId: 'ann', at: at(day(12)) },
    { reportId: 'cy', at: at(day(-2)) },
    { reportId: 'bob', at: at(day(11)) }, // bob reports to max by then
  ];
  it.each<[string, string, string, number, object]>([
    [
      'covered within the interval',
      'mia',
      day(13),
      14,
      { directReports: ['ann', 'cy'], coverage: 0.5, overdueReports: ['cy'] },
    ],
    [
      'the interval is (asOf − E, asOf]: exactly E days ago is overdue',
      'mia',
      day(26),
      14,
      { coverage: 0, overdueReports: ['ann', 'cy'] },
    ],
    ['a 1:1 at asOf counts', 'mia', day(12), 14, { overdueReports: ['cy'] }],
    [
      'no direct reports: coverage null',
      'nobody',
      day(12),
      14,
      { directReports: [], coverage: null, overdueReports: [] },
    ],
    ['another manager: only their own reports', 'max', day(12), 14, { directReports: ['bob'], coverage: 1 }],
  ])('%s', (_case, manager, asOf, interval, expected) => {
    expect(oneOnOneCadence(manager, people, oneOnOnes, at(asOf), interval)).toMatchObject(expected);
  });
});
