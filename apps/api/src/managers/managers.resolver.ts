import {
  Args,
  Context,
  Float,
  GraphQLISODateTime,
  ID,
  Int,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { type OneOnOneCadence, managerSubtree, namedManagers, oneOnOneCadence } from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { MANAGERS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import { ManagerModel, ManagerSubtreeModel } from './manager.model';

@Resolver(() => ManagerModel)
export class ManagersResolver {
  constructor(private readonly clock: Clock) {}

  private async knownManagers(ctx: RequestContext): Promise<Set<string>> {
    const people = await ctx.allPeople();
    return new Set([
      ...namedManagers(people),
      ...people.map((p) => p.personId),
      ...(await ctx.managersWithOneOnOnes()),
    ]);
  }

  @Query(() => ManagerModel, {
    nullable: true,
    description: 'Null for an id no accepted event of your org names',
  })
  @Roles('viewer', 'admin')
  async manager(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ManagerModel | null> {
    if (!ctx.seesPeople) return null;
    return (await this.knownManagers(ctx)).has(id) ? { id } : null;
  }

  @Query(() => [ManagerModel], {
    description: `Everyone named as a manager or holding 1:1s, in id order, paged: first (default ${MANAGERS_PAGE.defaultSize}, at most ${MANAGERS_PAGE.maxSize}) and after`,
  })
  @Roles('viewer', 'admin')
  @Cost({ page: MANAGERS_PAGE, size: 'managers' })
  async managers(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => ID, nullable: true }) after?: string,
  ): Promise<ManagerModel[]> {
    if (!ctx.seesPeople) return [];
    const people = await ctx.allPeople();
    const ids = [...new Set([...namedManagers(people), ...(await ctx.managersWithOneOnOnes())])]
      .sort()
      .filter((id) => after === undefined || id > after);
    return ids.slice(0, pageSize(first, MANAGERS_PAGE)).map((id) => ({ id }));
  }

  private async cadence(
    ctx: RequestContext,
    managerId: string,
    asOf: Date | undefined,
  ): Promise<OneOnOneCadence> {
    const [people, oneOnOnes, settings] = await Promise.all([
      ctx.allPeople(),
      ctx.oneOnOnes.load(managerId),
      ctx.settings(),
    ]);
    return oneOnOneCadence(
      managerId,
      people,
      oneOnOnes,
      asOf?.getTime() ?? this.clock.now(),
      settings.oneOnOneIntervalDays,
    );
  }

  @ResolveField(() => Int, { description: 'Span of control' })
  async directReports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf?: Date,
  ): Promise<number> {
    return (await this.cadence(ctx, m.id, asOf)).directReports.length;
  }

  @ResolveField(() => [ID], { description: 'The direct reports themselves' })
  async reports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf?: Date,
  ): Promise<string[]> {
    return (await this.cadence(ctx, m.id, asOf)).directReports;
  }

  @ResolveField(() => Float, { nullable: true })
  async oneOnOneCoverage(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf?: Date,
  ): Promise<number | null> {
    return (await this.cadence(ctx, m.id, asOf)).coverage;
  }

  @ResolveField(() => [ID])
  async overdueReports(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf?: Date,
  ): Promise<string[]> {
    return (await this.cadence(ctx, m.id, asOf)).overdueReports;
  }

  @ResolveField(() => ManagerSubtreeModel, {
    description: 'Everyone whose chain of managers at asOf reaches this manager, and their 1:1 coverage (§8)',
  })
  async subtree(
    @Parent() m: ManagerModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf?: Date,
  ): Promise<ManagerSubtreeModel> {
    const [people, oneOnOnes, settings] = await Promise.all([
      ctx.allPeople(),
      ctx.allOneOnOnes(),
      ctx.settings(),
    ]);
    return managerSubtree(
      m.id,
      people,
      oneOnOnes,
      asOf?.getTime() ?? this.clock.now(),
      settings.oneOnOneIntervalDays,
    );
  }
}
