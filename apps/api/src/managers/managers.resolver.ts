import { Args, Context, Float, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { OneOnOneCadence } from '@orgpulse/domain';
import { Access } from '../auth/access.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { MANAGERS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { ManagerModel, ManagerSubtreeModel } from './manager.model';
import { PersonModel, personOf } from '../people/people.resolver';
import { DateTime } from '../graphql/date-time.scalar';

@Resolver(() => ManagerModel)
export class ManagersResolver {
  constructor(private readonly clock: Clock) {}

  /** Someone named as a manager, a person, or a manager who held 1:1s. */
  private async known(ctx: RequestContext, id: string): Promise<boolean> {
    const [person, manager, named] = await Promise.all([
      ctx.people.heads.load(id),
      ctx.people.managers.heads(ctx.orgId, [id]),
      ctx.people.people.isLinked(ctx.orgId, id),
    ]);
    return person !== null || manager.length > 0 || named;
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
  ): Promise<ManagerModel[]> {
    const size = pageSize(first, MANAGERS_PAGE);
    const [named, holding] = await Promise.all([
      ctx.people.people.linkIds(ctx.orgId, { first: size, after }),
      ctx.people.managers.ids(ctx.orgId, { first: size, after }),
    ]);
    return [...new Set([...named, ...holding])]
      .sort()
      .slice(0, size)
      .map((id) => ({ id }));
  }

  private async cadence(
    ctx: RequestContext,
    managerId: string,
    asOf: Date | undefined,
  ): Promise<OneOnOneCadence> {
    const at = asOf?.getTime() ?? ctx.now(this.clock);
    const { oneOnOneIntervalDays } = await ctx.settings();
    const [reports, met] = await Promise.all([
      ctx.people.reportsOf(managerId, at),
      ctx.people.metBefore(managerId, at, oneOnOneIntervalDays),
    ]);
    const overdueReports = reports.filter((r) => !met.has(r));
    return {
      directReports: reports,
      coverage: reports.length === 0 ? null : (reports.length - overdueReports.length) / reports.length,
      overdueReports,
    };
  }

  @ResolveField(() => PersonModel, { description: 'The manager as a person: name and role (contract §13)' })
  person(@Parent() m: ManagerModel, @Context() ctx: RequestContext): Promise<PersonModel> {
    return personOf(ctx, m.id);
  }

  @ResolveField(() => Int, { description: 'Span of control' })
  async directReports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<number> {
    return (await this.cadence(ctx, m.id, asOf)).directReports.length;
  }

  @ResolveField(() => [ID], { description: 'The direct reports themselves' })
  async reports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<string[]> {
    return (await this.cadence(ctx, m.id, asOf)).directReports;
  }

  @ResolveField(() => Float, { nullable: true })
  async oneOnOneCoverage(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<number | null> {
    return (await this.cadence(ctx, m.id, asOf)).coverage;
  }

  @ResolveField(() => [ID])
  async overdueReports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<string[]> {
    return (await this.cadence(ctx, m.id, asOf)).overdueReports;
  }

  @ResolveField(() => ManagerSubtreeModel, {
    description: 'Everyone whose chain of managers at asOf reaches this manager, and their 1:1 coverage (§8)',
  })
  async subtree(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<ManagerSubtreeModel> {
    const at = asOf?.getTime() ?? ctx.now(this.clock);
    const { oneOnOneIntervalDays } = await ctx.settings();
    return ctx.people.subtreeFigures(m.id, at, oneOnOneIntervalDays);
  }
}
