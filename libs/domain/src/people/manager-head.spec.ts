import fc from 'fast-check';
import { foldFacts, type Fact } from '../projections/read-model';
import { managerReadModel } from '../projections/read-models.registry';
import { emptyManagerHead, evolveManagerHead, evolveManagerHeadAll } from './manager-head';
import type { OneOnOneFact } from './person-facts';

const fact = (at: number, reportId: string, position = at): Fact<OneOnOneFact> => ({
  at,
  position,
  data: { reportId },
});
const oneByOne = (head: ReturnType<typeof emptyManagerHead>, facts: readonly Fact<OneOnOneFact>[]) =>
  facts.reduce(evolveManagerHead, head);

describe("a manager's latest 1:1 with each person, several facts at once", () => {
  it.each([
    {
      given: 'no 1:1 yet',
      head: emptyManagerHead('m'),
      when: [fact(1, 'a'), fact(2, 'b'), fact(3, 'a')],
      then: { a: 3, b: 2 },
    },
    {
      given: 'a later 1:1 held already',
      head: { managerId: 'm', lastOneOnOneWith: { a: 5 } },
      when: [fact(4, 'a'), fact(5, 'a')],
      then: { a: 5 },
    },
    {
      given: 'a report whose id is __proto__ (a key, not the prototype)',
      head: emptyManagerHead('m'),
      when: [fact(1, '__proto__'), fact(2, 'a'), fact(3, '__proto__')],
      then: JSON.parse('{"__proto__": 3, "a": 2}') as Record<string, number>,
    },
  ])('given $given, then as one fact at a time: $then', ({ head, when, then }) => {
    const before = JSON.stringify(head);
    const all = evolveManagerHeadAll(head, when);
    expect(all).toEqual(oneByOne(head, when));
    expect(Object.entries(all.lastOneOnOneWith)).toEqual(Object.entries(then));
    expect(JSON.stringify(head)).toBe(before);
  });

  it('given facts that move nothing, then the same head', () => {
    const head = { managerId: 'm', lastOneOnOneWith: { a: 5 } };
    expect(evolveManagerHeadAll(head, [fact(5, 'a'), fact(1, 'a')])).toBe(head);
  });

  it('equals evolve one fact at a time, and the model folds with it', () => {
    const reports = fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor');
    fc.assert(
      fc.property(
        fc.dictionary(reports, fc.integer({ min: 0, max: 20 })),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), reports), { maxLength: 20 }),
        (start, raw) => {
          const head = { managerId: 'm', lastOneOnOneWith: start };
          const facts = raw
            .map(([at, id], i) => fact(at, id, i))
            .sort((x, y) => x.at - y.at || x.position - y.position);
          const expected = JSON.stringify(oneByOne(head, facts));
          expect(JSON.stringify(evolveManagerHeadAll(head, facts))).toBe(expected);
          expect(JSON.stringify(foldFacts(managerReadModel, head, facts))).toBe(expected);
          expect(JSON.stringify(head.lastOneOnOneWith)).toBe(JSON.stringify(start));
        },
      ),
    );
  });
});
