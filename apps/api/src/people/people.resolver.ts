import {
  Args,
  Context,
  Field,
  ID,
  Int,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { Access } from '../auth/access.decorator';
import { type Connection, connection, connectionOf, keyAfter } from '../graphql/connections/connection';
import { Clock } from '../graphql/clock';
import { DateTime } from '../graphql/date-time.scalar';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { PEOPLE_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import { type Person, asPerson, personOf, reportsAt } from './person-of';

@ObjectType('Person', {
  description:
    'A person of the org (contract §13): their name and role as last registered; asOf defaults to now',
})
export class PersonModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'From person.registered; null until one names it' })
  name!: string | null;
  @Field(() => String, { nullable: true }) role!: string | null;
}

const PersonConnection = connectionOf(PersonModel, 'Person');
const PEOPLE_LIST = 'people';

@Resolver(() => PersonModel)
export class PeopleResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => PersonModel, {
    nullable: true,
    description: 'Null for an id no accepted event of your org names, and for a group-scoped token',
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'nothing' })
  async person(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<PersonModel | null> {
    const view = await ctx.people.heads.load(id);
    if (view !== null) return asPerson(id, view);
    // named only as someone's manager, or as the manager of 1:1s
    const [named, holding] = await Promise.all([
      ctx.people.people.linkedAmong(ctx.orgId, [id]),
      ctx.people.managers.heads(ctx.orgId, [id]),
    ]);
    return named.size > 0 || holding.length > 0 ? asPerson(id, null) : null;
  }

  @Query(() => [PersonModel], {
    description: `People in id order, paged: first (default ${PEOPLE_PAGE.defaultSize}, at most ${PEOPLE_PAGE.maxSize}) and after (the last id of the previous page); role: only those whose latest registration has it. Empty for a group-scoped token`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'nothing' })
  @Cost({ page: PEOPLE_PAGE })
  async people(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true, description: 'the last id of the previous page' })
    after?: string | null,
    @Args('role', { type: () => String, nullable: true }) role?: string | null,
  ): Promise<PersonModel[]> {
    const views = await ctx.people.people.listHeads(ctx.orgId, {
      first: pageSize(first, PEOPLE_PAGE),
      after: after ?? undefined,
      ...(role === undefined || role === null ? {} : { where: { column: 'role', values: [role] } }),
    });
    for (const view of views) ctx.people.heads.prime(view.subjectId, view);
    return views.map((view) => asPerson(view.subjectId, view));
  }

  @Query(() => PersonConnection, {
    description: `people as a connection (contract §12): first (default ${PEOPLE_PAGE.defaultSize}, at most ${PEOPLE_PAGE.maxSize}) and after (an endCursor); role as for people. Empty for a group-scoped token`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'nothing' })
  @Cost({ page: PEOPLE_PAGE })
  async peopleConnection(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
    @Args('role', { type: () => String, nullable: true }) role?: string | null,
  ): Promise<Connection<Person>> {
    const size = pageSize(first, PEOPLE_PAGE);
    const where = role === undefined || role === null ? undefined : { column: 'role', values: [role] };
    const views = await ctx.people.people.listHeads(ctx.orgId, {
      first: size + 1,
      after: keyAfter(PEOPLE_LIST, after),
      ...(where === undefined ? {} : { where }),
    });
    for (const view of views) ctx.people.heads.prime(view.subjectId, view);
    return connection(
      PEOPLE_LIST,
      views.map((view) => asPerson(view.subjectId, view)),
      size,
      (p) => p.id,
      () => ctx.people.people.countWhere(ctx.orgId, where),
    );
  }

  @ResolveField(() => PersonModel, { nullable: true, description: 'Their manager at asOf' })
  async manager(
    @Parent() person: Person,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<PersonModel | null> {
    if (person.view === null) return null;
    const at = asOf?.getTime() ?? ctx.now(this.clock);
    const { subjectId, lastAt, state } = person.view;
    const managerId =
      (await ctx.people.managersAt([{ subjectId, lastAt, managerId: state.managerId }], at)).get(person.id) ??
      null;
    return managerId === null ? null : personOf(ctx, managerId);
  }

  @ResolveField(() => [PersonModel], { description: 'Their direct reports at asOf, in id order' })
  reports(
    @Parent() person: PersonModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Eventually<PersonModel[]> {
    return reportsAt(ctx, person.id, asOf?.getTime() ?? ctx.now(this.clock));
  }
}
