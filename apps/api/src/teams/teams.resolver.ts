import { blockReasons } from '@orgpulse/contracts';
import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { idleCostOf, idleness, idlenessBy } from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { TEAMS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { type Connection, connection, keyAfter } from '../graphql/connections/connection';
import { WindowInput, toWindow } from '../graphql/window.input';
import type { TeamView } from '../read-models/team-reads';
import { deliveryOf, discoveryOf, teamAt, teamWeeklyTrend, timelineFor } from './team-metrics';
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
  team(@Context() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<TeamView | null> {
    return ctx.team(id);
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
    @Args('blocked', {
      type: () => Boolean,
      nullable: true,
      description: 'true: only the teams blocked now (the leadership page lists them whatever the org size)',
    })
    blocked?: boolean | null,
  ): Promise<TeamView[]> {
    return ctx.listTeams({ groupId, first: pageSize(first, TEAMS_PAGE), after, blocked: blocked ?? false });
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
  ): Promise<Connection<TeamView>> {
    const size = pageSize(first, TEAMS_PAGE);
    const teams = await ctx.listTeams({ groupId, first: size + 1, after: keyAfter(TEAMS_LIST, after) });
    return connection(
      TEAMS_LIST,
      teams,
      size,
      (t) => t.subjectId,
      () => ctx.countTeams({ groupId }),
    );
  }

  @ResolveField(() => ID) id(@Parent() t: TeamView) {
    return t.subjectId;
  }
  @ResolveField(() => String, { nullable: true }) name(@Parent() t: TeamView) {
    return t.state.name;
  }
  @ResolveField(() => ID, { nullable: true }) groupId(@Parent() t: TeamView) {
    return t.state.groupId;
  }
  @ResolveField(() => Int) async headcount(@Parent() t: TeamView, @Context() ctx: RequestContext) {
    return (await teamAt(ctx, t, this.clock.now())).headcount;
  }
  @ResolveField(() => Boolean) async blocked(@Parent() t: TeamView, @Context() ctx: RequestContext) {
    return (await teamAt(ctx, t, this.clock.now())).block !== null;
  }
  @ResolveField(() => Date, { nullable: true }) async blockedSince(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
  ) {
    const block = (await teamAt(ctx, t, this.clock.now())).block;
    return block === null ? null : new Date(block.since);
  }

  @ResolveField(() => IdlenessModel)
  async idleness(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): Promise<IdlenessModel> {
    const window = toWindow(input);
    const [timeline, { idleCostPerPersonDay }] = await Promise.all([
      timelineFor(ctx, t.subjectId, window),
      ctx.settings(),
    ]);
    const figures = idleness(timeline, window, this.clock.now());
    return { ...figures, idleCost: idleCostOf(figures.idlePersonDays, idleCostPerPersonDay) };
  }

  @ResolveField(() => [IdleBreakdownModel], { description: 'Idle time in the window by reason' })
  @Cost({ listSize: blockReasons.length })
  async idlenessByReason(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): Promise<IdleBreakdownModel[]> {
    const window = toWindow(input);
    return idlenessBy(await timelineFor(ctx, t.subjectId, window), window, this.clock.now(), 'reason');
  }

  @ResolveField(() => [IdleBreakdownModel], {
    description: 'Idle time in the window by blocking team (blockedBy)',
  })
  @Cost({ listSize: ASSUMED_BLOCKING_TEAMS })
  async idlenessByBlockingTeam(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): Promise<IdleBreakdownModel[]> {
    const window = toWindow(input);
    return idlenessBy(await timelineFor(ctx, t.subjectId, window), window, this.clock.now(), 'blockedBy');
  }

  @ResolveField(() => DiscoveryCadenceModel)
  async discovery(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
  ): Promise<DiscoveryCadenceModel> {
    return discoveryOf(ctx, t.subjectId, (await ctx.settings()).discoveryTarget, toWindow(window));
  }

  @ResolveField(() => DeliveryCadenceModel)
  async delivery(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): Promise<DeliveryCadenceModel> {
    const window = toWindow(input);
    return deliveryOf(await timelineFor(ctx, t.subjectId, window), window);
  }

  @ResolveField(() => [WeekPointModel], { description: 'Weekly idle person-days, interviews and ships' })
  @Cost({ perWeekOf: 'window' })
  async weeklyTrend(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): Promise<WeekPointModel[]> {
    const window = toWindow(input);
    return teamWeeklyTrend(await timelineFor(ctx, t.subjectId, window), window, this.clock.now());
  }
}
