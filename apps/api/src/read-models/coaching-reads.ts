import {
  type HeldOneOnOnes,
  type PersonCoaching,
  type PlanFact,
  type PlanHead,
  type RatingFact,
  type RatingHead,
  type SeenLevel,
  coachingPlanReadModel,
  evolvePlanHead,
  evolveRatingHead,
  foldFacts,
  latestLevels,
  managerReadModel,
  personCoaching,
  ratingReadModel,
} from '@orgpulse/domain';
import {
  type HeadView,
  type Queryable,
  ReadModelReader,
  type WeekView,
  countFactsOf,
} from '@orgpulse/persistence';
import DataLoader from 'dataloader';

// the list in a rating fact's data whose entries are the levels a 1:1 recorded: rated 1:1s are counted by
// it, since tables folded by the rating model's version 1 (until an upgrade rebuilt them) hold every 1:1
const RATINGS_KEY: keyof RatingFact = 'ratings';

/**
 * One request's reads of the coaching read models within one org (contract §14), batched per asOf: each
 * person's plan and latest levels then, from heads when nothing later happened, else from the week that
 * covers asOf. A person's levels come from the managers who ever rated them (rating links), so the cost
 * follows the people asked for and their raters, not the org. A manager's 1:1s are counted in the manager
 * model (every 1:1), the rated ones in the rating model (only 1:1s that recorded a level), in one statement
 * so that the rated ones are always among those counted.
 */
export class CoachingReads {
  readonly plans: ReadModelReader<PlanHead, PlanFact>;
  readonly ratings: ReadModelReader<RatingHead, RatingFact>;
  private readonly oneOnOnes: ReadModelReader<unknown, unknown>;
  private readonly coachingAt = new Map<number, DataLoader<string, PersonCoaching | null>>();
  private readonly held: DataLoader<string, HeldOneOnOnes>;

  constructor(
    db: Queryable,
    private readonly orgId: string,
    private readonly batchScheduleFn?: (dispatch: () => void) => void,
  ) {
    const batching = { batchScheduleFn };
    this.plans = new ReadModelReader(db, coachingPlanReadModel);
    this.ratings = new ReadModelReader(db, ratingReadModel);
    this.oneOnOnes = new ReadModelReader(db, managerReadModel);
    this.held = new DataLoader(async (keys) => {
      const bySpan = new Map<string, string[]>();
      for (const key of keys) {
        const [id, span] = key.split('\u0000');
        const ids = bySpan.get(span);
        if (ids === undefined) bySpan.set(span, [id]);
        else ids.push(id);
      }
      const found = new Map<string, HeldOneOnOnes>();
      for (const [span, ids] of bySpan) {
        const [from, to] = span.split('/').map(Number);
        const [held, rated] = await countFactsOf(
          db,
          [{ reader: this.oneOnOnes }, { reader: this.ratings, listKey: RATINGS_KEY }],
          orgId,
          ids,
          from,
          to,
        );
        for (const id of ids)
          found.set(`${id}\u0000${span}`, {
            held: held.get(id)?.facts ?? 0,
            rated: rated.get(id)?.withItems ?? 0,
          });
      }
      return keys.map((k) => found.get(k) ?? { held: 0, rated: 0 });
    }, batching);
  }

  /** A person's coaching at asOf: null without a plan then. */
  coachingOf(personId: string, asOf: number): Promise<PersonCoaching | null> {
    return this.coachingLoader(asOf).load(personId);
  }

  /** Each of these people's coaching at asOf, in their order, from one batch. */
  async coachingsOf(personIds: readonly string[], asOf: number): Promise<(PersonCoaching | null)[]> {
    return (await this.coachingLoader(asOf).loadMany(personIds)).map((coaching) => {
      if (coaching instanceof Error) throw coaching;
      return coaching;
    });
  }

  private coachingLoader(asOf: number): DataLoader<string, PersonCoaching | null> {
    let loader = this.coachingAt.get(asOf);
    if (loader === undefined) {
      loader = new DataLoader(
        async (ids) => {
          const [plans, levels] = await Promise.all([this.plansAt(ids, asOf), this.levelsAt(ids, asOf)]);
          return ids.map((id) => personCoaching(plans.get(id) ?? null, levels.get(id) ?? new Map()));
        },
        { batchScheduleFn: this.batchScheduleFn },
      );
      this.coachingAt.set(asOf, loader);
    }
    return loader;
  }

  /** How many 1:1s a manager held in [from, to), and how many of them recorded a level. */
  heldIn(managerId: string, from: number, to: number): Promise<HeldOneOnOnes> {
    return this.held.load(`${managerId}\u0000${Math.floor(from)}/${Math.ceil(to)}`);
  }

  private async plansAt(ids: readonly string[], asOf: number): Promise<Map<string, PlanHead['plan']>> {
    const heads = await this.plans.heads(this.orgId, ids);
    const states = await this.statesAt(this.plans, heads, asOf, evolvePlanHead);
    return new Map([...states].map(([id, head]) => [id, head.plan]));
  }

  private async levelsAt(ids: readonly string[], asOf: number): Promise<Map<string, Map<string, SeenLevel>>> {
    const links = await this.ratings.links(this.orgId, ids);
    const managers = [...new Set(links.map((l) => l.subjectId))];
    const heads = await this.ratings.heads(this.orgId, managers);
    const states = await this.statesAt(this.ratings, heads, asOf, evolveRatingHead);
    const ratersOf = new Map<string, RatingHead[]>();
    for (const { linkId, subjectId } of links) {
      const head = states.get(subjectId);
      if (head !== undefined) ratersOf.set(linkId, [...(ratersOf.get(linkId) ?? []), head]);
    }
    return new Map(ids.map((id) => [id, latestLevels(id, ratersOf.get(id) ?? [])]));
  }

  /** Each subject as of asOf: its head when its latest fact is not later, else its week covering asOf. */
  private async statesAt<Head, Data>(
    reader: ReadModelReader<Head, Data>,
    heads: readonly HeadView<Head>[],
    asOf: number,
    evolve: (head: Head, fact: WeekView<Head, Data>['facts'][number]) => Head,
  ): Promise<Map<string, Head>> {
    const states = new Map<string, Head>();
    const later: string[] = [];
    for (const head of heads)
      if (head.lastAt <= asOf) states.set(head.subjectId, head.state);
      else later.push(head.subjectId);
    const weeks = await reader.weeksFrom(this.orgId, later, asOf, asOf + 1);
    for (const id of later) {
      const [first, ...rest] = weeks.get(id) ?? [];
      if (first === undefined || first.week > asOf) continue; // nothing about them yet at asOf
      const facts = [first, ...rest].flatMap((w) => w.facts).filter((f) => f.at <= asOf);
      states.set(id, foldFacts({ evolve }, first.start, facts));
    }
    return states;
  }
}
