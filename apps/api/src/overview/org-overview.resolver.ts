import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { WEEK_MS, type Window, orgOverview, rollUp, weeklyTrend, weeksOverlapping } from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { WeekPointModel } from '../teams/team.models';
import { OrgOverviewModel } from './org-overview.model';

/** A group's roll-up over a window (§8): its teams as of min(to, now), within what the token sees. */
export async function groupRollUp(
  ctx: RequestContext,
  groupId: string,
  window: Window,
  now: number,
): Promise<OrgOverviewModel> {
  const t = Math.min(window.to, now);
  const [hierarchy, teams, settings, visible] = await Promise.all([
    ctx.hierarchyAt(t),
    ctx.allTeams(),
    ctx.settings(),
    ctx.seesGroup(groupId),
  ]);
  const members = visible ? hierarchy.teamsOf(groupId, teams) : [];
  return rollUp(members, window, now, settings.idleCostPerPersonDay);
}

/** Weekly series of a group, each week over the group's teams at min(week end, now) (§8). */
export async function groupTrend(
  ctx: RequestContext,
  groupId: string,
  window: Window,
  now: number,
): Promise<WeekPointModel[]> {
  const teams = (await ctx.seesGroup(groupId)) ? await ctx.allTeams() : [];
  const weekEnds = weeksOverlapping(window).map((monday) => Math.min(monday + WEEK_MS, window.to, now));
  const hierarchies = new Map(
    (await Promise.all(weekEnds.map((t) => ctx.hierarchyAt(t)))).map((h) => [h.at, h]),
  );
  return weeklyTrend(window, now, (t) => hierarchies.get(t)?.teamsOf(groupId, teams) ?? []).map((w) => ({
    ...w,
    weekStart: new Date(w.weekStart),
  }));
}

@Resolver()
export class OrgOverviewResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => OrgOverviewModel, {
    description:
      'The whole org, or with groupId that group’s roll-up, descendants included (§8). A group-scoped token gets its group’s roll-up without groupId.',
  })
  @Roles('viewer', 'admin')
  @Cost({ overTeams: true })
  async orgOverview(
    @Context() ctx: RequestContext,
    @Args('window') window: WindowInput,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
  ): Promise<OrgOverviewModel> {
    const now = this.clock.now();
    const scopedTo = ctx.principal.groupId;
    const group = groupId ?? scopedTo;
    if (group !== null) return groupRollUp(ctx, group, toWindow(window), now);
    const [teams, settings] = await Promise.all([ctx.allTeams(), ctx.settings()]);
    return orgOverview(teams, toWindow(window), now, settings.idleCostPerPersonDay);
  }

  @Query(() => [WeekPointModel], {
    description: 'Weekly trend of a group’s roll-up; each week counts the group’s teams at its end (§8)',
  })
  @Roles('viewer', 'admin')
  @Cost({ perWeekOf: 'window', overTeams: true })
  groupWeeklyTrend(
    @Context() ctx: RequestContext,
    @Args('groupId', { type: () => ID }) groupId: string,
    @Args('window') window: WindowInput,
  ): Promise<WeekPointModel[]> {
    return groupTrend(ctx, groupId, toWindow(window), this.clock.now());
  }
}
