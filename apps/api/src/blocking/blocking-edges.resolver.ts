import { Args, Context, Field, Float, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { blockingEdges } from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { ASSUMED_TEAMS } from '../graphql/query-limits/query-cost';
import type { RequestContext } from '../graphql/request-context';
import { WindowInput, toWindow } from '../graphql/window.input';
import { membersAt } from '../overview/org-figures';
import { timelineFor } from '../teams/team-metrics';

@ObjectType('BlockingEdge', {
  description: 'Who blocks whom: blocked time of blockedTeamId in the window while blockingTeamId blocked it',
})
export class BlockingEdgeModel {
  @Field(() => ID) blockingTeamId!: string;
  @Field(() => ID) blockedTeamId!: string;
  @Field(() => Float) blockedHours!: number;
  @Field(() => Float) idlePersonDays!: number;
}

@Resolver()
export class BlockingEdgesResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => [BlockingEdgeModel], {
    description:
      'Pairs (blocking team, blocked team) with blocked time in the window, most idle person-days first; with groupId, blocked teams of that group’s roll-up (§8)',
  })
  @Roles('viewer', 'admin')
  @Cost({ listSize: ASSUMED_TEAMS })
  async blockingEdges(
    @Context() ctx: RequestContext,
    @Args('window') windowInput: WindowInput,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
  ): Promise<BlockingEdgeModel[]> {
    const window = toWindow(windowInput);
    const now = this.clock.now();
    const teams =
      groupId === undefined || groupId === null
        ? await ctx.teamsById(
            await ctx.teams.reader.flagged(ctx.orgId, 'blocked_by', window.from, Math.min(window.to, now)),
          )
        : await membersAt(ctx, groupId, Math.min(window.to, now));
    const timelines = await Promise.all(teams.map((t) => timelineFor(ctx, t.subjectId, window)));
    return blockingEdges(timelines, window, now);
  }
}
