import { blockReasons } from '@orgpulse/contracts';
import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { idleCostOf, idleness, idlenessBy } from '@orgpulse/domain';
import { Access } from '../auth/access.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { TEAMS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { type Connection, connection, keyAfter } from '../graphql/connections/connection';
import { WindowInput, toWindow } from '../graphql/window.input';
import type { TeamView } from '../read-models/team-reads';
import { atTeam, deliveryOf, discoveryOf, overTeam, teamWeeklyTrend } from './team-metrics';
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
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  team(@Context() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<TeamView | null> {
    return ctx.team(id);
  }

  @Query(() => [TeamModel], {
    description: `Teams in id order, paged: first (default ${TEAMS_PAGE.defaultSize}, at most ${TEAMS_PAGE.maxSize}) and after (the last id of the previous page); with groupId, the teams whose group now is that one`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
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
      description: 'true: only the teams blocked now; false or absent: every team',
    })
    blocked?: boolean | null,
  ): Promise<TeamView[]> {
    return ctx.listTeams({ groupId, first: pageSize(first, TEAMS_PAGE), after, blocked: blocked ?? false });
  }

  @Query(() => TeamConnection, {
    description: `teams as a connection (contract §12): first (default ${TEAMS_PAGE.defaultSize}, at most ${TEAMS_PAGE.maxSize}) and after (an endCursor)`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ page: TEAMS_PAGE, size: 'teamsOfGroupArgument' })
  async teamsConnection(
    @Context() ctx: RequestContext,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('blocked', {
      type: () => Boolean,
      nullable: true,
      description:
        'true: only the teams blocked now, and totalCount counts those; false or absent: every team',
    })
    blocked?: boolean | null,
  ): Promise<Connection<TeamView>> {
    const size = pageSize(first, TEAMS_PAGE);
    const only = { groupId, blocked: blocked ?? false };
    const teams = await ctx.listTeams({ ...only, first: size + 1, after: keyAfter(TEAMS_LIST, after) });
    return connection(
      TEAMS_LIST,
      teams,
      size,
      (t) => t.subjectId,
      () => ctx.countTeams(only),
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
  @ResolveField(() => Int) headcount(@Parent() t: TeamView, @Context() ctx: RequestContext) {
    return atTeam(ctx, t, ctx.now(this.clock), (at) => at.headcount);
  }
  @ResolveField(() => Boolean) blocked(@Parent() t: TeamView, @Context() ctx: RequestContext) {
    return atTeam(ctx, t, ctx.now(this.clock), (at) => at.block !== null);
  }
  @ResolveField(() => Date, { nullable: true }) blockedSince(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
  ) {
    return atTeam(ctx, t, ctx.now(this.clock), (at) => (at.block === null ? null : new Date(at.block.since)));
  }

  @ResolveField(() => IdlenessModel)
  idleness(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): IdlenessModel | Promise<IdlenessModel> {
    const window = toWindow(input);
    const now = ctx.now(this.clock);
    return ctx.withSettings(({ idleCostPerPersonDay }) =>
      overTeam(ctx, t.subjectId, window, (timeline) => {
        const figures = idleness(timeline, window, now);
        return { ...figures, idleCost: idleCostOf(figures.idlePersonDays, idleCostPerPersonDay) };
      }),
    );
  }

  @ResolveField(() => [IdleBreakdownModel], { description: 'Idle time in the window by reason' })
  @Cost({ listSize: blockReasons.length })
  idlenessByReason(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): IdleBreakdownModel[] | Promise<IdleBreakdownModel[]> {
    const window = toWindow(input);
    const now = ctx.now(this.clock);
    return overTeam(ctx, t.subjectId, window, (timeline) => idlenessBy(timeline, window, now, 'reason'));
  }

  @ResolveField(() => [IdleBreakdownModel], {
    description: 'Idle time in the window by blocking team (blockedBy)',
  })
  @Cost({ listSize: ASSUMED_BLOCKING_TEAMS })
  idlenessByBlockingTeam(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): IdleBreakdownModel[] | Promise<IdleBreakdownModel[]> {
    const window = toWindow(input);
    const now = ctx.now(this.clock);
    return overTeam(ctx, t.subjectId, window, (timeline) => idlenessBy(timeline, window, now, 'blockedBy'));
  }

  @ResolveField(() => DiscoveryCadenceModel)
  discovery(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
  ): DiscoveryCadenceModel | Promise<DiscoveryCadenceModel> {
    return ctx.withSettings(({ discoveryTarget }) =>
      discoveryOf(ctx, t.subjectId, discoveryTarget, toWindow(window)),
    );
  }

  @ResolveField(() => DeliveryCadenceModel)
  delivery(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): DeliveryCadenceModel | Promise<DeliveryCadenceModel> {
    const window = toWindow(input);
    return overTeam(ctx, t.subjectId, window, (timeline) => deliveryOf(timeline, window));
  }

  @ResolveField(() => [WeekPointModel], { description: 'Weekly idle person-days, interviews and ships' })
  @Cost({ perWeekOf: 'window' })
  weeklyTrend(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): WeekPointModel[] | Promise<WeekPointModel[]> {
    const window = toWindow(input);
    const now = ctx.now(this.clock);
    return overTeam(ctx, t.subjectId, window, (timeline) => teamWeeklyTrend(timeline, window, now));
  }
}
