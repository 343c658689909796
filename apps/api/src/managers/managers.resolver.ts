import { Args, Context, Float, ID, Info, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Access } from '../auth/access.decorator';
import { type Connection, connection, connectionOf, keyAfter } from '../graphql/connections/connection';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { MANAGERS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { type Eventually, thenEventually } from '../graphql/settled-memo/settled-memo';
import { prefetchManagerFields } from './manager-fields.prefetch';
import { ManagerModel, ManagerSubtreeModel } from './manager.model';
import { PersonModel } from '../people/people.resolver';
import { cadenceAt, personOfManager, subtreeAt } from './manager-figures';
import { DateTime } from '../graphql/date-time.scalar';

const ManagerConnection = connectionOf(ManagerModel, 'Manager');
const MANAGERS_LIST = 'managers';

@Resolver(() => ManagerModel)
export class ManagersResolver {
  constructor(private readonly clock: Clock) {}

  /** Someone named as a manager, a person, or a manager who held 1:1s. */
  private async known(ctx: RequestContext, id: string): Promise<boolean> {
    const [person, manager, named] = await Promise.all([
      ctx.people.heads.load(id),
      ctx.people.managers.heads(ctx.orgId, [id]),
      ctx.people.people.linkedAmong(ctx.orgId, [id]),
    ]);
    return person !== null || manager.length > 0 || named.size > 0;
  }

  @Query(() => ManagerModel, {
    nullable: true,
    description: 'Null for an id no accepted event of your org names',
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'nothing' })
  async manager(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ManagerModel | null> {
    return (await this.known(ctx, id)) ? { id } : null;
  }

  @Query(() => [ManagerModel], {
    description: `Everyone named as a manager or holding 1:1s, in id order, paged: first (default ${MANAGERS_PAGE.defaultSize}, at most ${MANAGERS_PAGE.maxSize}) and after`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'nothing' })
  @Cost({ page: MANAGERS_PAGE, size: 'managers' })
  async managers(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => ID, nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<ManagerModel[]> {
    const size = pageSize(first, MANAGERS_PAGE);
    const ids = await ctx.people.managerIds(size, after);
    if (info !== undefined)
      await prefetchManagerFields(ctx, ids, info, ctx.now(this.clock), JSON.stringify([size, after ?? null]));
    return ids.map((id) => ({ id }));
  }

  @Query(() => ManagerConnection, {
    description: `managers as a connection (contract §12): first (default ${MANAGERS_PAGE.defaultSize}, at most ${MANAGERS_PAGE.maxSize}) and after (an endCursor); totalCount is every manager the list holds`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'nothing' })
  @Cost({ page: MANAGERS_PAGE, size: 'managers' })
  async managersConnection(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<Connection<ManagerModel>> {
    const size = pageSize(first, MANAGERS_PAGE);
    const afterId = keyAfter(MANAGERS_LIST, after);
    const ids = await ctx.people.managerIds(size + 1, afterId);
    if (info !== undefined)
      await prefetchManagerFields(
        ctx,
        ids.slice(0, size),
        info,
        ctx.now(this.clock),
        // the list's page of the same managers: they share its figures
        JSON.stringify([size, afterId ?? null]),
        ['edges', 'node'],
      );
    return connection(
      MANAGERS_LIST,
      ids.map((id) => ({ id })),
      size,
      (m) => m.id,
      () => ctx.countManagers(),
    );
  }

  @ResolveField(() => PersonModel, { description: 'The manager as a person: name and role (contract §13)' })
  person(@Parent() m: ManagerModel, @Context() ctx: RequestContext): Eventually<PersonModel> {
    return personOfManager(ctx, m.id);
  }

  @ResolveField(() => Int, { description: 'Span of control' })
  directReports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Eventually<number> {
    return thenEventually(
      cadenceAt(ctx, m.id, asOf?.getTime() ?? ctx.now(this.clock)),
      (c) => c.directReports.length,
    );
  }

  @ResolveField(() => [ID], { description: 'The direct reports themselves' })
  reports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Eventually<string[]> {
    return thenEventually(
      cadenceAt(ctx, m.id, asOf?.getTime() ?? ctx.now(this.clock)),
      (c) => c.directReports,
    );
  }

  @ResolveField(() => Float, { nullable: true })
  oneOnOneCoverage(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Eventually<number | null> {
    return thenEventually(cadenceAt(ctx, m.id, asOf?.getTime() ?? ctx.now(this.clock)), (c) => c.coverage);
  }

  @ResolveField(() => [ID])
  overdueReports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Eventually<string[]> {
    return thenEventually(
      cadenceAt(ctx, m.id, asOf?.getTime() ?? ctx.now(this.clock)),
      (c) => c.overdueReports,
    );
  }

  @ResolveField(() => ManagerSubtreeModel, {
    description: 'Everyone whose chain of managers at asOf reaches this manager, and their 1:1 coverage (§8)',
  })
  subtree(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Eventually<ManagerSubtreeModel> {
    return subtreeAt(ctx, m.id, asOf?.getTime() ?? ctx.now(this.clock));
  }
}
