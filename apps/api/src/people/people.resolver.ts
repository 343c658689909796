import {
  Args,
  Context,
  Field,
  ID,
  Int,
  ObjectType,
  Query,
  ResolveField,
  Resolver,
  Parent,
} from '@nestjs/graphql';
import {
  type PersonTimeline,
  directReportsOf,
  emptyPersonTimeline,
  managerAt,
  namedManagers,
} from '@orgpulse/domain';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../graphql/clock';
import { DateTime } from '../graphql/date-time.scalar';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { PEOPLE_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import type { RequestContext } from '../graphql/request-context';

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

const asModel = (person: PersonTimeline): PersonModel & { timeline: PersonTimeline } => ({
  id: person.personId,
  name: person.name,
  role: person.role,
  timeline: person,
});

/** A person known by their read model, or only as an id some event names (a manager never registered). */
export async function personOf(
  ctx: RequestContext,
  id: string,
): Promise<PersonModel & { timeline: PersonTimeline }> {
  return asModel((await ctx.persons.load(id)) ?? emptyPersonTimeline(id));
}

@Resolver(() => PersonModel)
export class PeopleResolver {
  constructor(private readonly clock: Clock) {}

  @Query(() => PersonModel, {
    nullable: true,
    description: 'Null for an id no accepted event of your org names, and for a group-scoped token',
  })
  @Roles('viewer', 'admin')
  async person(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<PersonModel | null> {
    if (!ctx.seesPeople) return null;
    const found = await ctx.persons.load(id);
    if (found !== null) return asModel(found);
    // named only as someone's manager, or as the manager of 1:1s
    const [people, managers] = await Promise.all([ctx.allPeople(), ctx.managersWithOneOnOnes()]);
    return namedManagers(people).has(id) || managers.includes(id) ? asModel(emptyPersonTimeline(id)) : null;
  }

  @Query(() => [PersonModel], {
    description: `People in id order, paged: first (default ${PEOPLE_PAGE.defaultSize}, at most ${PEOPLE_PAGE.maxSize}) and after (the last id of the previous page); role: only those whose latest registration has it. Empty for a group-scoped token`,
  })
  @Roles('viewer', 'admin')
  @Cost({ page: PEOPLE_PAGE })
  async people(
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true, description: 'the last id of the previous page' })
    after?: string,
    @Args('role', { type: () => String, nullable: true }) role?: string,
  ): Promise<PersonModel[]> {
    const people = await ctx.listPeople({ role, first: pageSize(first, PEOPLE_PAGE), after });
    return people.map(asModel);
  }

  @ResolveField(() => PersonModel, { nullable: true, description: 'Their manager at asOf' })
  async manager(
    @Parent() person: PersonModel & { timeline: PersonTimeline },
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<PersonModel | null> {
    const managerId = managerAt(person.timeline, asOf?.getTime() ?? this.clock.now());
    return managerId === null ? null : personOf(ctx, managerId);
  }

  @ResolveField(() => [PersonModel], { description: 'Their direct reports at asOf, in id order' })
  async reports(
    @Parent() person: PersonModel,
    @Context() ctx: RequestContext,
    @Args('asOf', { type: () => DateTime, nullable: true }) asOf?: Date,
  ): Promise<PersonModel[]> {
    const people = await ctx.allPeople();
    const ids = directReportsOf(person.id, people, asOf?.getTime() ?? this.clock.now());
    return Promise.all(ids.map((id) => personOf(ctx, id)));
  }
}
