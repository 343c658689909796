import { Args, Context, Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { orgOverview } from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { weeklyTrend } from '../teams/team-metrics';
import { WeekPointModel } from '../teams/team.models';

@ObjectType('OrgOverview')
export class OrgOverviewModel {
  @Field(() => Int) teams!: number;
  @Field(() => Int) blockedTeams!: number;
  @Field(() => Float) idlePersonDays!: number;
}

@Resolver()
export class OrgOverviewResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => OrgOverviewModel, { description: 'The whole org, or one group of teams (groupId)' })
  @Roles('viewer', 'admin')
  @Cost({ overTeams: true })
  async orgOverview(
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
  ): Promise<OrgOverviewModel> {
    return orgOverview(await ctx.listTeams({ groupId }), toWindow(window), this.clock.now());
  }

  @Query(() => [WeekPointModel], { description: 'Weekly trend summed over a group of teams' })
  @Roles('viewer', 'admin')
  @Cost({ perWeekOf: 'window', overTeams: true })
  async groupWeeklyTrend(
    @Context() ctx: RequestContext,
    @Args('groupId', { type: () => ID }) groupId: string,
    @Args('window') window: WindowInput,
  ): Promise<WeekPointModel[]> {
    return weeklyTrend(await ctx.listTeams({ groupId }), toWindow(window), this.clock.now());
  }
}
