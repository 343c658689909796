import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GroupAt } from '@orgpulse/domain';
import { Access } from '../auth/access.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { type Connection, connection, keyAfter, pageAfter } from '../graphql/connections/connection';
import { GROUPS_PAGE, TEAMS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { OrgOverviewModel } from '../overview/org-overview.model';
import { type LazyOverview, groupOverview, groupTrend, membersAt } from '../overview/org-figures';
import type { TeamView } from '../read-models/team-reads';
import { TeamConnection, TeamModel, WeekPointModel } from '../teams/team.models';
import { GroupConnection, GroupModel } from './group.models';

/** The groups the token sees now, by id: every group, or a scoped token's subtree. */
async function visibleGroups(ctx: RequestContext, now: number): Promise<Map<string, GroupAt>> {
  const [hierarchy, scope] = await Promise.all([ctx.hierarchyAt(now), ctx.scope()]);
  return new Map(
    hierarchy
      .all()
      .filter((g) => scope === null || scope.groups.has(g.id))
      .map((g) => [g.id, g]),
  );
}
const GROUPS_LIST = 'groups';
const GROUP_TEAMS_LIST = 'group.teams';

@Resolver(() => GroupModel)
export class GroupsResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => GroupModel, {
    nullable: true,
    description: 'Null for an id no accepted event of your org names (or outside a scoped token’s subtree)',
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  async group(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<GroupAt | null> {
    return (await visibleGroups(ctx, ctx.now(this.clock))).get(id) ?? null;
  }

  @Query(() => [GroupModel], {
    description: `Every group any event names, in id order, paged: first (default ${GROUPS_PAGE.defaultSize}, at most ${GROUPS_PAGE.maxSize}) and after (the last id of the previous page)`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ page: GROUPS_PAGE, size: 'groups' })
  async groups(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => ID, nullable: true }) after?: string,
  ): Promise<GroupAt[]> {
    const size = pageSize(first, GROUPS_PAGE);
    const groups = [...(await visibleGroups(ctx, ctx.now(this.clock))).values()];
    return pageAfter(groups, (g) => g.id, after ?? undefined, size).slice(0, size);
  }

  @Query(() => GroupConnection, {
    description: `groups as a connection (contract §12): first (default ${GROUPS_PAGE.defaultSize}, at most ${GROUPS_PAGE.maxSize}) and after (an endCursor)`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ page: GROUPS_PAGE, size: 'groups' })
  async groupsConnection(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Connection<GroupAt>> {
    const size = pageSize(first, GROUPS_PAGE);
    const groups = [...(await visibleGroups(ctx, ctx.now(this.clock))).values()];
    const page = pageAfter(groups, (g) => g.id, keyAfter(GROUPS_LIST, after), size);
    return connection(
      GROUPS_LIST,
      page,
      size,
      (g) => g.id,
      () => groups.length,
    );
  }

  @ResolveField(() => GroupModel, { nullable: true, description: 'The parent now; null at a root' })
  async parent(@Parent() g: GroupAt, @Context() ctx: RequestContext): Promise<GroupAt | null> {
    if (g.parentId === null) return null;
    return (await visibleGroups(ctx, ctx.now(this.clock))).get(g.parentId) ?? null;
  }

  @ResolveField(() => [GroupModel], { description: 'The groups whose parent is this one now' })
  @Cost({ size: 'groups' })
  async children(@Parent() g: GroupAt, @Context() ctx: RequestContext): Promise<GroupAt[]> {
    const visible = await visibleGroups(ctx, ctx.now(this.clock));
    return [...visible.values()].filter((child) => child.parentId === g.id && child.id !== g.id);
  }

  @ResolveField(() => [TeamModel], {
    description: `Teams registered now whose group is this one or, recursive (default), in its subtree; in id order, paged: first (default ${TEAMS_PAGE.defaultSize}, at most ${TEAMS_PAGE.maxSize}) and after (the last id of the previous page)`,
  })
  @Cost({ page: TEAMS_PAGE, size: 'teams' })
  async teams(
    @Parent() g: GroupAt,
    @Context() ctx: RequestContext,
    @Args('recursive', { type: () => Boolean, defaultValue: true }) recursive: boolean,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => ID, nullable: true }) after?: string,
  ): Promise<TeamView[]> {
    const size = pageSize(first, TEAMS_PAGE);
    return (await this.teamsOf(ctx, g, recursive, after ?? undefined, size)).slice(0, size);
  }

  @ResolveField(() => TeamConnection, {
    description: `teams as a connection (contract §12): first (default ${TEAMS_PAGE.defaultSize}, at most ${TEAMS_PAGE.maxSize}) and after (an endCursor)`,
  })
  @Cost({ page: TEAMS_PAGE, size: 'teams' })
  async teamsConnection(
    @Parent() g: GroupAt,
    @Context() ctx: RequestContext,
    @Args('recursive', { type: () => Boolean, defaultValue: true }) recursive: boolean,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Connection<TeamView>> {
    const size = pageSize(first, TEAMS_PAGE);
    const page = await this.teamsOf(ctx, g, recursive, keyAfter(GROUP_TEAMS_LIST, after), size);
    return connection(
      GROUP_TEAMS_LIST,
      page,
      size,
      (t) => t.subjectId,
      async () => (await membersAt(ctx, g.id, ctx.now(this.clock), recursive)).length,
    );
  }

  /** Up to size + 1 of the group's teams after a team id. */
  private async teamsOf(
    ctx: RequestContext,
    g: GroupAt,
    recursive: boolean,
    after: string | undefined,
    size: number,
  ): Promise<TeamView[]> {
    const members = (await membersAt(ctx, g.id, ctx.now(this.clock), recursive)).sort((a, b) =>
      a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0,
    );
    // only the page's heads are read
    return ctx.teamsById(pageAfter(members, (t) => t.subjectId, after, size).map((m) => m.subjectId));
  }

  @ResolveField(() => OrgOverviewModel, { description: 'The roll-up of the group’s subtree (§8)' })
  @Cost({ overTeams: true })
  overview(
    @Parent() g: GroupAt,
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
  ): LazyOverview {
    return groupOverview(ctx, g.id, toWindow(window), ctx.now(this.clock));
  }

  @ResolveField(() => [WeekPointModel], {
    description: 'Weekly idle person-days, interviews and ships of the roll-up, each week as of its end',
  })
  @Cost({ perWeekOf: 'window', overTeams: true })
  weeklyTrend(
    @Parent() g: GroupAt,
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
  ): Promise<WeekPointModel[]> {
    return groupTrend(ctx, g.id, toWindow(window), ctx.now(this.clock));
  }
}
