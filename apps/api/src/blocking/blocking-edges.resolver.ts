import { Args, Context, Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type TeamTimeline, blockingEdges, blockingEdgesOf } from '@orgpulse/domain';
import { Access } from '../auth/access.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { type Connection, connection, connectionOf, keyAfter } from '../graphql/connections/connection';
import { BLOCKING_EDGES_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { badInput } from '../graphql/graphql-errors';
import { WindowInput, toWindow } from '../graphql/window.input';
import { membersAt } from '../overview/org-figures';
import { timelinesFor } from '../teams/team-metrics';
import { TEAMS_PER_READ } from '../read-models/team-reads';

@ObjectType('BlockingEdge', {
  description: 'Who blocks whom: blocked time of blockedTeamId in the window while blockingTeamId blocked it',
})
export class BlockingEdgeModel {
  @Field(() => ID) blockingTeamId!: string;
  @Field(() => ID) blockedTeamId!: string;
  @Field(() => Float) blockedHours!: number;
  @Field(() => Float) idlePersonDays!: number;
}

const BlockingEdgeConnection = connectionOf(BlockingEdgeModel, 'BlockingEdge');
// ordered by value: a cursor holds the position of the last edge of its page
const EDGES_LIST = 'blockingEdges';

@Resolver()
export class BlockingEdgesResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => [BlockingEdgeModel], {
    description: `Pairs (blocking team, blocked team) with blocked time in the window, most idle person-days first; with groupId, blocked teams of that group’s roll-up (§8). Paged: first (default ${BLOCKING_EDGES_PAGE.defaultSize}, at most ${BLOCKING_EDGES_PAGE.maxSize}) and after (an endCursor of blockingEdgesConnection)`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ page: BLOCKING_EDGES_PAGE, size: 'teamPairs' })
  async blockingEdges(
    @Context() ctx: RequestContext,
    @Args('window') windowInput: WindowInput,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<BlockingEdgeModel[]> {
    const size = pageSize(first, BLOCKING_EDGES_PAGE);
    const start = startAfter(after);
    return (await this.edges(ctx, windowInput, groupId)).slice(start, start + size);
  }

  @Query(() => BlockingEdgeConnection, {
    description: `blockingEdges as a connection (contract §12): first (default ${BLOCKING_EDGES_PAGE.defaultSize}, at most ${BLOCKING_EDGES_PAGE.maxSize}) and after (an endCursor)`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ page: BLOCKING_EDGES_PAGE, size: 'teamPairs' })
  async blockingEdgesConnection(
    @Context() ctx: RequestContext,
    @Args('window') windowInput: WindowInput,
    @Args('groupId', { type: () => ID, nullable: true }) groupId?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Connection<BlockingEdgeModel>> {
    const size = pageSize(first, BLOCKING_EDGES_PAGE);
    const start = startAfter(after);
    const edges = await this.edges(ctx, windowInput, groupId);
    const positions = new Map(edges.map((edge, i) => [edge, i]));
    return connection(
      EDGES_LIST,
      edges.slice(start, start + size + 1),
      size,
      (edge) => String(positions.get(edge)),
      () => edges.length,
    );
  }

  private async edges(
    ctx: RequestContext,
    windowInput: WindowInput,
    groupId: string | undefined,
  ): Promise<BlockingEdgeModel[]> {
    const window = toWindow(windowInput);
    const now = ctx.now(this.clock);
    if (groupId !== undefined && groupId !== null) {
      const ids = (await membersAt(ctx, groupId, Math.min(window.to, now))).map((v) => v.subjectId);
      const timelines = await timelinesFor(ctx, ids, window);
      return ctx.piece(() => blockingEdges(timelines, window, now));
    }
    const to = Math.min(window.to, now);
    // the whole org: a row per pair from SQL; a scoped token's teams, from their timelines
    if ((await ctx.scope()) === null)
      return blockingEdgesOf(await ctx.teams.blockingPairTimes(window.from, to));
    const flagged = await ctx.teams.reader.flagged(ctx.orgId, 'blocked_by', window.from, to);
    const ids = (await ctx.teamsById(flagged)).map((v) => v.subjectId);
    const timelines: TeamTimeline[] = [];
    for (let i = 0; i < ids.length; i += TEAMS_PER_READ) {
      if (i > 0) await ctx.turn();
      for (const run of await ctx.teams.flaggedTimelines(
        ids.slice(i, i + TEAMS_PER_READ),
        'blocked_by',
        window.from,
        to,
      ))
        timelines.push(run);
    }
    return ctx.piece(() => blockingEdges(timelines, window, now));
  }
}

/** The position after the cursor's edge (0 without one). */
function startAfter(after: string | null | undefined): number {
  const key = keyAfter(EDGES_LIST, after);
  if (key === undefined) return 0;
  const position = Number(key);
  if (!Number.isSafeInteger(position) || position < 0) throw badInput(`after: not a cursor of ${EDGES_LIST}`);
  return position + 1;
}
