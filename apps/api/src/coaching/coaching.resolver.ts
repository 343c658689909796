import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { PersonCoaching } from '@orgpulse/domain';
import { Clock } from '../graphql/clock';
import { DateTime } from '../graphql/date-time.scalar';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import { WindowInput } from '../graphql/window.input';
import { ManagerModel } from '../managers/manager.model';
import { PersonModel } from '../people/people.resolver';
import { managerCoachingOf } from './manager-coaching';
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
  coaching(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
    @Args('window', { type: () => WindowInput, nullable: true }) window?: WindowInput,
  ): Eventually<ManagerCoachingModel> {
    return managerCoachingOf(ctx, m.id, asOf?.getTime() ?? ctx.now(this.clock), window);
  }
}
