import type { AcceptedEvent } from '@orgpulse/contracts';
import { at, day, ev } from '../metrics/metrics.test-support';
import { byFactOrder, type Fact, foldFacts } from '../projections/read-model';
import { planFactOf, ratingFactOf } from './coaching-facts';
import {
  type ManagerCoaching,
  type PersonCoaching,
  managerCoaching,
  personCoaching,
} from './coaching-figures';
import { emptyPlanHead, evolvePlanHead } from './plan-head';
import { type RatingHead, emptyRatingHead, evolveRatingHead, latestLevels } from './rating-head';

const plan = (when: string, personId: string, competencies: Record<string, number>) =>
  ev('coaching.plan-set', when, {
    personId,
    competencies: Object.entries(competencies).map(([name, target]) => ({ name, target })),
  });
const held = (when: string, managerId: string, reportId: string, ratings: Record<string, number> = {}) =>
  ev('one-on-one.held', when, {
    managerId,
    reportId,
    ratings: Object.entries(ratings).map(([competency, level]) => ({ competency, level })),
  });

/** The facts a model keeps, in arrival order as positions (the list's order is arrival), sorted by occurrence. */
function factsOf<D>(events: readonly AcceptedEvent[], of: (e: AcceptedEvent) => D | undefined): Fact<D>[] {
  return events
    .flatMap((event, position) => {
      const data = of(event);
      return data === undefined ? [] : [{ at: at(event.occurredAt), position, data }];
    })
    .sort(byFactOrder);
}

/** The figures as the API computes them: each model folded up to asOf, whatever order events arrived in. */
function coachingAt(events: readonly AcceptedEvent[], personId: string, asOf: number): PersonCoaching | null {
  const upTo = <D>(facts: Fact<D>[]) => facts.filter((f) => f.at <= asOf);
  const mine = events.filter((e) => e.type !== 'coaching.plan-set' || e.data.personId === personId);
  const planHead = foldFacts(
    { evolve: evolvePlanHead },
    emptyPlanHead(personId),
    upTo(factsOf(mine, planFactOf)),
  );
  return personCoaching(planHead.plan, latestLevels(personId, ratingHeads(events, asOf)));
}

function ratingHeads(events: readonly AcceptedEvent[], asOf: number): RatingHead[] {
  const managers = new Set(events.flatMap((e) => (e.type === 'one-on-one.held' ? [e.data.managerId] : [])));
  return [...managers].map((m) =>
    foldFacts(
      { evolve: evolveRatingHead },
      emptyRatingHead(m),
      factsOf(events, (e) =>
        e.type === 'one-on-one.held' && e.data.managerId === m ? ratingFactOf(e) : undefined,
      ).filter((f) => f.at <= asOf),
    ),
  );
}

const progress = (
  competency: string,
  target: number,
  level: number | null,
  ratedAt: string | null,
  gap: number,
) => ({
  competency,
  target,
  level,
  ratedAt: ratedAt === null ? null : at(ratedAt),
  gap,
});

describe("a person's coaching at asOf (contract §14)", () => {
  it.each<[string, AcceptedEvent[], string, Partial<PersonCoaching> | null]>([
    ['no plan: null, whatever the ratings', [held(day(1), 'mia', 'ana', { discovery: 3 })], day(9), null],
    ['a plan set after asOf: null', [plan(day(5), 'ana', { discovery: 4 })], day(4), null],
    [
      'a plan and no rating: every gap is the target',
      [plan(day(0), 'ana', { discovery: 4, delivery: 2 })],
      day(9),
      {
        planSetAt: at(day(0)),
        competencies: [progress('discovery', 4, null, null, 4), progress('delivery', 2, null, null, 2)],
        averageGap: 3,
        ratedShare: 0,
        lastRatedAt: null,
      },
    ],
    [
      'the latest rating per competency, from any manager; a level above the target is no gap',
      [
        plan(day(0), 'ana', { discovery: 4, delivery: 2 }),
        held(day(1), 'mia', 'ana', { discovery: 2 }),
        held(day(3), 'bo', 'ana', { discovery: 3, delivery: 5 }),
        held(day(2), 'mia', 'ana', { discovery: 1 }),
      ],
      day(9),
      {
        competencies: [progress('discovery', 4, 3, day(3), 1), progress('delivery', 2, 5, day(3), 0)],
        averageGap: 0.5,
        ratedShare: 1,
        lastRatedAt: at(day(3)),
      },
    ],
    [
      'ratings before the plan count; competencies not in the plan are ignored',
      [
        held(day(0), 'mia', 'ana', { discovery: 2, hiring: 1 }),
        plan(day(5), 'ana', { discovery: 3, delivery: 4 }),
      ],
      day(9),
      {
        planSetAt: at(day(5)),
        competencies: [progress('discovery', 3, 2, day(0), 1), progress('delivery', 4, null, null, 4)],
        averageGap: 2.5,
        ratedShare: 0.5,
        lastRatedAt: at(day(0)),
      },
    ],
    [
      'a replaced plan: the latest one at asOf, its own competencies and targets',
      [
        plan(day(0), 'ana', { discovery: 4 }),
        held(day(1), 'mia', 'ana', { discovery: 2, delivery: 3 }),
        plan(day(6), 'ana', { delivery: 5 }),
      ],
      day(9),
      {
        planSetAt: at(day(6)),
        competencies: [progress('delivery', 5, 3, day(1), 2)],
        averageGap: 2,
        ratedShare: 1,
      },
    ],
    [
      'asOf between the two plans: the first plan, with the ratings up to asOf',
      [
        plan(day(0), 'ana', { discovery: 4 }),
        held(day(1), 'mia', 'ana', { discovery: 2 }),
        held(day(4), 'mia', 'ana', { discovery: 3 }),
        plan(day(6), 'ana', { delivery: 5 }),
      ],
      day(2),
      {
        planSetAt: at(day(0)),
        competencies: [progress('discovery', 4, 2, day(1), 2)],
        lastRatedAt: at(day(1)),
      },
    ],
    [
      'late events: a plan and a rating posted after later ones, dated before them',
      [
        plan(day(6), 'ana', { discovery: 4 }),
        held(day(5), 'mia', 'ana', { discovery: 4 }),
        plan(day(1), 'ana', { delivery: 1 }), // late, older: replaced by the one of day 6
        held(day(2), 'bo', 'ana', { discovery: 1 }), // late, older than day 5's rating
      ],
      day(9),
      { planSetAt: at(day(6)), competencies: [progress('discovery', 4, 4, day(5), 0)], averageGap: 0 },
    ],
    [
      'two ratings at the same time: the later to arrive is the level',
      [
        plan(day(0), 'ana', { discovery: 4 }),
        held(day(1), 'mia', 'ana', { discovery: 2 }),
        held(day(1), 'bo', 'ana', { discovery: 3 }),
      ],
      day(9),
      { competencies: [progress('discovery', 4, 3, day(1), 1)] },
    ],
    [
      "another person's ratings are not hers",
      [plan(day(0), 'ana', { discovery: 4 }), held(day(1), 'mia', 'cy', { discovery: 4 })],
      day(9),
      { competencies: [progress('discovery', 4, null, null, 4)], ratedShare: 0 },
    ],
  ])('%s', (_, events, asOf, expected) => {
    const coaching = coachingAt(events, 'ana', at(asOf));
    if (expected === null) expect(coaching).toBeNull();
    else expect(coaching).toMatchObject(expected);
  });
});

describe("a manager's coaching (contract §14)", () => {
  const gap = (averageGap: number) => ({ averageGap });
  it.each<
    [string, Parameters<typeof managerCoaching>[0], Parameters<typeof managerCoaching>[1], ManagerCoaching]
  >([
    [
      'no reports, no 1:1s: coverage and share are null',
      [],
      { held: 0, rated: 0 },
      { reports: 0, planCoverage: null, weakest: null, oneOnOnes: 0, ratedOneOnOnes: 0, ratingShare: null },
    ],
    [
      'reports without plans: coverage 0, no weakest',
      [
        { personId: 'ana', coaching: null },
        { personId: 'bo', coaching: null },
      ],
      { held: 1, rated: 0 },
      { reports: 2, planCoverage: 0, weakest: null, oneOnOnes: 1, ratedOneOnOnes: 0, ratingShare: 0 },
    ],
    [
      'the weakest is the highest average gap among reports with a plan',
      [
        { personId: 'ana', coaching: gap(1) },
        { personId: 'bo', coaching: gap(2.5) },
        { personId: 'cy', coaching: null },
        { personId: 'di', coaching: gap(0) },
      ],
      { held: 4, rated: 2 },
      {
        reports: 4,
        planCoverage: 0.75,
        weakest: { personId: 'bo', averageGap: 2.5 },
        oneOnOnes: 4,
        ratedOneOnOnes: 2,
        ratingShare: 0.5,
      },
    ],
    [
      'a tie: the smallest personId',
      [
        { personId: 'zed', coaching: gap(2) },
        { personId: 'amy', coaching: gap(2) },
        { personId: 'kim', coaching: gap(1) },
      ],
      { held: 0, rated: 0 },
      {
        reports: 3,
        planCoverage: 1,
        weakest: { personId: 'amy', averageGap: 2 },
        oneOnOnes: 0,
        ratedOneOnOnes: 0,
        ratingShare: null,
      },
    ],
  ])('%s', (_, reports, heldInWindow, expected) => {
    expect(managerCoaching(reports, heldInWindow)).toEqual(expected);
  });
});

describe('what the rating model keeps of a 1:1 (contract §14)', () => {
  const withRatings = (ratings?: { competency: string; level: number }[]) =>
    ev('one-on-one.held', day(1), { managerId: 'mia', reportId: 'ana', ...(ratings ? { ratings } : {}) });
  it.each<[string, AcceptedEvent, ReturnType<typeof ratingFactOf>]>([
    ['given no ratings, then no fact (the manager model counts every 1:1)', withRatings(), undefined],
    ['given an empty list of ratings, then no fact', withRatings([]), undefined],
    [
      'given levels seen, then whom and the levels',
      withRatings([{ competency: 'discovery', level: 3 }]),
      { reportId: 'ana', ratings: [{ competency: 'discovery', level: 3 }] },
    ],
    ['given another event, then no fact', plan(day(1), 'ana', { discovery: 4 }), undefined],
  ])('%s', (_, event, expected) => {
    expect(ratingFactOf(event)).toEqual(expected);
  });
});
