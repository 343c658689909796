import fc from 'fast-check';
import { ev } from '../metrics/metrics.test-support';
import { type OneOnOne } from '../metrics/one-on-one-cadence';
import { managerSubtree } from './manager-subtree';
import { OrgChart } from './org-chart';
import { buildPersonTimeline, managerAt } from './person-timeline';

const PEOPLE = ['a', 'b', 'c', 'd', 'e', 'f'];
const DAY = 86_400_000;
const AS_OF = Date.parse('2026-02-01T00:00:00Z');

describe('org chart: subtrees as the walk up from each person says (contract §8)', () => {
  it('given any reporting lines, cycles included, and any 1:1s, then the walk down, for one manager and for all at once, equals managerSubtree', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom(...PEOPLE), { nil: null }), {
          minLength: PEOPLE.length,
          maxLength: PEOPLE.length,
        }),
        fc.array(
          fc.tuple(fc.constantFrom(...PEOPLE), fc.constantFrom(...PEOPLE), fc.integer({ min: 0, max: 30 })),
          { maxLength: 20 },
        ),
        (managers, held) => {
          const people = PEOPLE.map((id, i) =>
            buildPersonTimeline(id, [
              ev('person.manager-changed', '2026-01-01T00:00:00Z', { personId: id, managerId: managers[i] }),
            ]),
          );
          const oneOnOnes = new Map<string, OneOnOne[]>();
          for (const [manager, report, daysAgo] of held)
            oneOnOnes.set(manager, [
              ...(oneOnOnes.get(manager) ?? []),
              { reportId: report, at: AS_OF - daysAgo * DAY },
            ]);
          const chart = new OrgChart(new Map(people.map((p) => [p.personId, managerAt(p, AS_OF)])));
          const last = (m: string, r: string) =>
            (oneOnOnes.get(m) ?? [])
              .filter((o) => o.reportId === r && o.at <= AS_OF)
              .reduce<number | undefined>((x, o) => (x === undefined || o.at > x ? o.at : x), undefined);
          const all = chart.allSubtreeFigures(last, AS_OF, 14);
          for (const manager of PEOPLE) {
            const expected = managerSubtree(manager, people, oneOnOnes, AS_OF, 14);
            expect(chart.subtreeFigures(manager, last, AS_OF, 14)).toEqual(expected);
            // in one pass, everyone the walk reaches (a person no one reports to and who reports to no one is not)
            if (chart.hasReports(manager) || chart.managerOf(manager) !== null)
              expect([manager, all.get(manager)]).toEqual([manager, expected]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
