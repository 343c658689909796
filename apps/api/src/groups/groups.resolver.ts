import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GroupAt } from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { ASSUMED_TEAMS } from '../graphql/query-limits/query-cost';
import { GROUPS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { OrgOverviewModel } from '../overview/org-overview.model';
import { type LazyOverview, groupOverview, groupTrend, membersAt } from '../overview/org-figures';
import type { TeamView } from '../read-models/team-reads';
import { TeamModel, WeekPointModel } from '../teams/team.models';
import { GroupModel } from './group.models';

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

@Resolver(() => GroupModel)
export class GroupsResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => GroupModel, {
    nullable: true,
    description: 'Null for an id no accepted event of your org names (or outside a scoped token’s subtree)',
  })
  @Roles('viewer', 'admin')
  async group(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<GroupAt | null> {
    return (await visibleGroups(ctx, this.clock.now())).get(id) ?? null;
  }

  @Query(() => [GroupModel], {
    description: `Every group any event names, in id order, paged: first (default ${GROUPS_PAGE.defaultSize}, at most ${GROUPS_PAGE.maxSize}) and after (the last id of the previous page)`,
  })
  @Roles('viewer', 'admin')
  @Cost({ page: GROUPS_PAGE })
  async groups(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => ID, nullable: true }) after?: string,
  ): Promise<GroupAt[]> {
    const groups = [...(await visibleGroups(ctx, this.clock.now())).values()];
    return groups
      .filter((g) => after === undefined || after === null || g.id > after)
      .slice(0, pageSize(first, GROUPS_PAGE));
  }

  @ResolveField(() => GroupModel, { nullable: true, description: 'The parent now; null at a root' })
  async parent(@Parent() g: GroupAt, @Context() ctx: RequestContext): Promise<GroupAt | null> {
    if (g.parentId === null) return null;
    return (await visibleGroups(ctx, this.clock.now())).get(g.parentId) ?? null;
  }

  @ResolveField(() => [GroupModel], { description: 'The groups whose parent is this one now' })
  async children(@Parent() g: GroupAt, @Context() ctx: RequestContext): Promise<GroupAt[]> {
    const visible = await visibleGroups(ctx, this.clock.now());
    return [...visible.values()].filter((child) => child.parentId === g.id && child.id !== g.id);
  }

  @ResolveField(() => [TeamModel], {
    description: 'Teams registered now whose group is this one or, recursive (default), in its subtree',
  })
  @Cost({ listSize: ASSUMED_TEAMS })
  async teams(
    @Parent() g: GroupAt,
    @Context() ctx: RequestContext,
    @Args('recursive', { type: () => Boolean, defaultValue: true }) recursive: boolean,
  ): Promise<TeamView[]> {
    return membersAt(ctx, g.id, this.clock.now(), recursive);
  }

  @ResolveField(() => OrgOverviewModel, { description: 'The roll-up of the group’s subtree (§8)' })
  @Cost({ overTeams: true })
  overview(
    @Parent() g: GroupAt,
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
  ): LazyOverview {
    return groupOverview(ctx, g.id, toWindow(window), this.clock.now());
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
    return groupTrend(ctx, g.id, toWindow(window), this.clock.now());
  }
}
