import { Args, Context, Field, Float, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { idleness, inWindow } from '@orgpulse/domain';
import type { TeamView } from '../read-models/team-reads';
import { teamAt } from '../teams/team-metrics';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { TeamModel } from '../teams/team.models';
import { DateTime } from '../graphql/date-time.scalar';

/** A team's timeline entries per window are bounded: the newest this many are returned. */
export const MAX_TIMELINE_ENTRIES = 500;

@ObjectType('CurrentBlock', { description: "The team's blocked interval now, with what it cost so far" })
export class CurrentBlockModel {
  @Field(() => DateTime) since!: Date;
  @Field(() => String, { description: 'The reason now (the latest team.blocked)' }) reason!: string;
  @Field(() => String, { nullable: true, description: 'The blocking team now' }) blockedBy!: string | null;
  @Field(() => Float) blockedHours!: number;
  @Field(() => Float, { description: 'Idle person-days since the block started' }) idlePersonDays!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'idlePersonDays × idleCostPerPersonDay; null when unset',
  })
  idleCost!: number | null;
}

@ObjectType('TeamTimelineEntry', { description: 'One change in a team’s history' })
export class TeamTimelineEntryModel {
  @Field(() => DateTime) at!: Date;
  @Field(() => String, { description: 'BLOCKED, UNBLOCKED, INTERVIEW, SHIP or HEADCOUNT' }) kind!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true }) blockedBy!: string | null;
  @Field(() => Float, { nullable: true }) headcount!: number | null;
}

const entry = (
  at: number,
  kind: string,
  more: Partial<TeamTimelineEntryModel> = {},
): TeamTimelineEntryModel => ({
  at: new Date(at),
  kind,
  reason: null,
  blockedBy: null,
  headcount: null,
  ...more,
});

/** The idle cost per person-day, once org settings carry it (contract §8); null until then. */
const idleCostPerPersonDay = (settings: object): number | null => {
  const value = (settings as { idleCostPerPersonDay?: unknown }).idleCostPerPersonDay;
  return typeof value === 'number' ? value : null;
};

/** Team fields the leadership page needs: the block now and the history behind the team page. */
@Resolver(() => TeamModel)
export class TeamTimelineFieldsResolver {
  constructor(private readonly clock: Clock) {}

  @ResolveField(() => DateTime, {
    nullable: true,
    description:
      'When the team was first registered (its earliest team.registered); null while none names it. Weeks before it the team did not exist',
  })
  registeredAt(@Parent() t: TeamView): Date | null {
    return t.state.firstRegisteredAt === null ? null : new Date(t.state.firstRegisteredAt);
  }

  @ResolveField(() => CurrentBlockModel, { nullable: true, description: 'Null when not blocked now' })
  async currentBlock(
    @Parent() t: TeamView,
    @Context() ctx: RequestContext,
  ): Promise<CurrentBlockModel | null> {
    const now = ctx.now(this.clock);
    const { block } = await teamAt(ctx, t, now);
    if (block === null) return null;
    const history = await ctx.teams.history(t.subjectId, block.since);
    const soFar = idleness(history.timeline, { from: block.since, to: now }, now);
    const perDay = idleCostPerPersonDay(await ctx.settings());
    return {
      since: new Date(block.since),
      reason: block.reason,
      blockedBy: block.blockedBy,
      blockedHours: soFar.blockedHours,
      idlePersonDays: soFar.idlePersonDays,
      idleCost: perDay === null ? null : soFar.idlePersonDays * perDay,
    };
  }

  @ResolveField(() => [TeamTimelineEntryModel], {
    description: `Blocks, unblocks, interviews, ships and headcount changes in the window, oldest first (the newest ${MAX_TIMELINE_ENTRIES})`,
  })
  @Cost({ listSize: MAX_TIMELINE_ENTRIES })
  async timeline(
    @Parent() team: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): Promise<TeamTimelineEntryModel[]> {
    const window = toWindow(input);
    // read from just before the window: what carries into it is dated before it, never inside
    const t = (await ctx.teams.history(team.subjectId, window.from - 1)).timeline;
    const entries: TeamTimelineEntryModel[] = [];
    for (const interval of t.blocked) {
      for (const s of interval.segments)
        if (inWindow(s.at, window))
          entries.push(entry(s.at, 'BLOCKED', { reason: s.reason, blockedBy: s.blockedBy }));
      if (interval.end !== null && inWindow(interval.end, window))
        entries.push(entry(interval.end, 'UNBLOCKED'));
    }
    for (const at of t.interviews) if (inWindow(at, window)) entries.push(entry(at, 'INTERVIEW'));
    for (const at of t.ships) if (inWindow(at, window)) entries.push(entry(at, 'SHIP'));
    for (const c of t.headcount)
      if (inWindow(c.at, window)) entries.push(entry(c.at, 'HEADCOUNT', { headcount: c.headcount }));
    entries.sort((a, b) => a.at.getTime() - b.at.getTime());
    return entries.slice(-MAX_TIMELINE_ENTRIES);
  }
}
