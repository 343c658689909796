import { Args, Context, Float, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Access } from '../auth/access.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { WeekPointModel } from '../teams/team.models';
import { OrgOverviewModel } from './org-overview.model';
import { type LazyOverview, groupOverview, groupTrend, orgOverview } from './org-figures';

@Resolver()
export class OrgOverviewResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => OrgOverviewModel, {
    description:
      'The whole org, or with groupId that group’s roll-up, descendants included (§8). A group-scoped token gets its group’s roll-up without groupId.',
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ overTeams: true })
  orgOverview(
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
  ): LazyOverview {
    const now = ctx.now(this.clock);
    const group = groupId ?? ctx.principal.groupId;
    return group !== null
      ? groupOverview(ctx, group, toWindow(window), now)
      : orgOverview(ctx, toWindow(window), now);
  }

  @Query(() => [WeekPointModel], {
    description: 'Weekly trend of a group’s roll-up; each week counts the group’s teams at its end (§8)',
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ perWeekOf: 'window', overTeams: true })
  groupWeeklyTrend(
    @Context() ctx: RequestContext,
    @Args('groupId', { type: () => ID }) groupId: string,
    @Args('window') window: WindowInput,
  ): Promise<WeekPointModel[]> {
    return groupTrend(ctx, groupId, toWindow(window), ctx.now(this.clock));
  }
}

/** The overview's fields: counts at t, blocked time and activity over the window, each part computed only when selected. */
@Resolver(() => OrgOverviewModel)
export class OrgOverviewFieldsResolver {
  @ResolveField(() => Int) async teams(@Parent() o: LazyOverview) {
    return (await o.counts()).teams;
  }
  @ResolveField(() => Int) async blockedTeams(@Parent() o: LazyOverview) {
    return (await o.counts()).blockedTeams;
  }
  @ResolveField(() => Float) async idlePersonDays(@Parent() o: LazyOverview) {
    return (await o.idle()).idlePersonDays;
  }
  @ResolveField(() => Float, { nullable: true }) async idleCost(@Parent() o: LazyOverview) {
    return (await o.idle()).idleCost;
  }
  @ResolveField(() => Float) async blockedHours(@Parent() o: LazyOverview) {
    return (await o.idle()).blockedHours;
  }
  @ResolveField(() => Int) async interviews(@Parent() o: LazyOverview) {
    return (await o.activity()).interviews;
  }
  @ResolveField(() => Int) async trioInterviews(@Parent() o: LazyOverview) {
    return (await o.activity()).trioInterviews;
  }
  @ResolveField(() => Int) async ships(@Parent() o: LazyOverview) {
    return (await o.activity()).ships;
  }
}
