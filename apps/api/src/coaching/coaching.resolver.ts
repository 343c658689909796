import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DAY_MS, type PersonCoaching, managerCoaching } from '@orgpulse/domain';
import { Clock } from '../graphql/clock';
import { DateTime } from '../graphql/date-time.scalar';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { ManagerModel } from '../managers/manager.model';
import { PersonModel, personOf } from '../people/people.resolver';
import { CoachingModel, ManagerCoachingModel } from './coaching.models';

const dateOrNull = (t: number | null): Date | null => (t === null ? null : new Date(t));

const asModel = (coaching: PersonCoaching): CoachingModel => ({
  planSetAt: new Date(coaching.planSetAt),
  competencies: coaching.competencies.map((c) => ({ ...c, ratedAt: dateOrNull(c.ratedAt) })),
  averageGap: coaching.averageGap,
  ratedShare: coaching.ratedShare,
  lastRatedAt: dateOrNull(coaching.lastRatedAt),
});

/** Person.coaching (contract §14). A group-scoped token sees no people (§8). */
@Resolver(() => PersonModel)
export class PersonCoachingResolver {
  constructor(private readonly clock: Clock) {}

  @ResolveField(() => CoachingModel, {
    nullable: true,
    description: 'Their coaching plan at asOf with the latest levels seen in 1:1s; null without a plan',
  })
  async coaching(
    @Parent() person: PersonModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<CoachingModel | null> {
    if (!ctx.seesPeople) return null;
    const coaching = await ctx.coaching.coachingOf(person.id, asOf?.getTime() ?? ctx.now(this.clock));
    return coaching === null ? null : asModel(coaching);
  }
}

/** Manager.coaching (contract §14). */
@Resolver(() => ManagerModel)
export class ManagerCoachingResolver {
  constructor(private readonly clock: Clock) {}

  @ResolveField(() => ManagerCoachingModel, {
    description:
      'Plans among the direct reports at asOf (default now) and the weakest of them; the 1:1s held in window (default: the coachingStallDays days up to and including asOf) and the share that recorded a level',
  })
  async coaching(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
    @Args('window', { type: () => WindowInput, nullable: true }) window?: WindowInput,
  ): Promise<ManagerCoachingModel> {
    const at = asOf?.getTime() ?? ctx.now(this.clock);
    const span = window ? toWindow(window) : undefined;
    if (!ctx.seesPeople)
      return {
        reports: 0,
        planCoverage: null,
        weakest: null,
        oneOnOnes: 0,
        ratedOneOnOnes: 0,
        ratingShare: null,
      };
    const { coachingStallDays } = await ctx.settings();
    const { from, to } = span ?? { from: at - coachingStallDays * DAY_MS + 1, to: at + 1 };
    const [reports, held] = await Promise.all([
      ctx.people.reportsOf(m.id, at),
      ctx.coaching.heldIn(m.id, from, to),
    ]);
    const coached = await Promise.all(
      reports.map(async (personId) => ({ personId, coaching: await ctx.coaching.coachingOf(personId, at) })),
    );
    const figures = managerCoaching(coached, held);
    return {
      ...figures,
      weakest:
        figures.weakest === null
          ? null
          : { person: await personOf(ctx, figures.weakest.personId), averageGap: figures.weakest.averageGap },
    };
  }
}
