import { blockReasons } from '@orgpulse/contracts';
import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type TeamTimeline, idleCostOf, idleness, idlenessBy } from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { TEAMS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { type Connection, connection, keyAfter } from '../graphql/connections/connection';
import { WindowInput, toWindow } from '../graphql/window.input';
import { deliveryOf, discoveryOf, teamNow, teamWeeklyTrend } from './team-metrics';
import {
  DeliveryCadenceModel,
  DiscoveryCadenceModel,
  IdleBreakdownModel,
  IdlenessModel,
  TeamConnection,
  TeamModel,
  WeekPointModel,
} from './team.models';

// the teams blocking one team over a window are rarely more than a few
const ASSUMED_BLOCKING_TEAMS = 10;
const TEAMS_LIST = 'teams';

@Resolver(() => TeamModel)
export class TeamsResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => TeamModel, {
    nullable: true,
    description: 'Null for an id no accepted event of your org names',
  })
  @Roles('viewer', 'admin')
  team(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<TeamTimeline | null> {
    return ctx.teams.load(id);
  }

  @Query(() => [TeamModel], {
    description: `Teams in id order, paged: first (default ${TEAMS_PAGE.defaultSize}, at most ${TEAMS_PAGE.maxSize}) and after (the last id of the previous page); with groupId, the teams whose group now is that one`,
  })
  @Roles('viewer', 'admin')
  @Cost({ page: TEAMS_PAGE, size: 'teamsOfGroupArgument' })
  teams(
    @Context() ctx: RequestContext,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => ID, nullable: true, description: 'the last id of the previous page' })
    after?: string,
  ): Promise<TeamTimeline[]> {
    return ctx.listTeams({ groupId, first: pageSize(first, TEAMS_PAGE), after });
  }

  @Query(() => TeamConnection, {
    description: `teams as a connection (contract §12): first (default ${TEAMS_PAGE.defaultSize}, at most ${TEAMS_PAGE.maxSize}) and after (an endCursor)`,
  })
  @Roles('viewer', 'admin')
  @Cost({ page: TEAMS_PAGE, size: 'teamsOfGroupArgument' })
  async teamsConnection(
    @Context() ctx: RequestContext,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Connection<TeamTimeline>> {
    const size = pageSize(first, TEAMS_PAGE);
    const teams = await ctx.listTeams({ groupId, first: size + 1, after: keyAfter(TEAMS_LIST, after) });
    return connection(
      TEAMS_LIST,
      teams,
      size,
      (t) => t.teamId,
      async () => {
        const all = await ctx.allTeams();
        return groupId === undefined || groupId === null
          ? all.length
          : all.filter((t) => t.groupId === groupId).length;
      },
    );
  }

  @ResolveField(() => ID) id(@Parent() t: TeamTimeline) {
    return t.teamId;
  }
  @ResolveField(() => String, { nullable: true }) name(@Parent() t: TeamTimeline) {
    return t.name;
  }
  @ResolveField(() => ID, { nullable: true }) groupId(@Parent() t: TeamTimeline) {
    return t.groupId;
  }
  @ResolveField(() => Int) headcount(@Parent() t: TeamTimeline) {
    return teamNow(t, this.clock.now()).headcount;
  }
  @ResolveField(() => Boolean) blocked(@Parent() t: TeamTimeline) {
    return teamNow(t, this.clock.now()).blocked;
  }
  @ResolveField(() => Date, { nullable: true }) blockedSince(@Parent() t: TeamTimeline) {
    return teamNow(t, this.clock.now()).blockedSince;
  }

  @ResolveField(() => IdlenessModel)
  async idleness(
    @Parent() t: TeamTimeline,
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
  ): Promise<IdlenessModel> {
    const figures = idleness(t, toWindow(window), this.clock.now());
    const { idleCostPerPersonDay } = await ctx.settings();
    return { ...figures, idleCost: idleCostOf(figures.idlePersonDays, idleCostPerPersonDay) };
  }

  @ResolveField(() => [IdleBreakdownModel], { description: 'Idle time in the window by reason' })
  @Cost({ listSize: blockReasons.length })
  idlenessByReason(@Parent() t: TeamTimeline, @Args('window') window: WindowInput): IdleBreakdownModel[] {
    return idlenessBy(t, toWindow(window), this.clock.now(), 'reason');
  }

  @ResolveField(() => [IdleBreakdownModel], {
    description: 'Idle time in the window by blocking team (blockedBy)',
  })
  @Cost({ listSize: ASSUMED_BLOCKING_TEAMS })
  idlenessByBlockingTeam(
    @Parent() t: TeamTimeline,
    @Args('window') window: WindowInput,
  ): IdleBreakdownModel[] {
    return idlenessBy(t, toWindow(window), this.clock.now(), 'blockedBy');
  }

  @ResolveField(() => DiscoveryCadenceModel)
  async discovery(
    @Parent() t: TeamTimeline,
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
  ): Promise<DiscoveryCadenceModel> {
    return discoveryOf(t, (await ctx.settings()).discoveryTarget, toWindow(window));
  }

  @ResolveField(() => DeliveryCadenceModel)
  delivery(@Parent() t: TeamTimeline, @Args('window') window: WindowInput): DeliveryCadenceModel {
    return deliveryOf(t, toWindow(window));
  }

  @ResolveField(() => [WeekPointModel], { description: 'Weekly idle person-days, interviews and ships' })
  @Cost({ perWeekOf: 'window' })
  weeklyTrend(@Parent() t: TeamTimeline, @Args('window') window: WindowInput): WeekPointModel[] {
    return teamWeeklyTrend(t, toWindow(window), this.clock.now());
  }
}
