import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Manager', { description: 'Span of control and 1:1 cadence; asOf defaults to now' })
export class ManagerModel {
  @Field(() => ID)
  id!: string;
}

@ObjectType('ManagerSubtree', { description: 'The people below a manager at asOf (§8)' })
export class ManagerSubtreeModel {
  @Field(() => Int) people!: number;
  @Field(() => Int, { description: 'Of them, those with direct reports' })
  managers!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Share of (manager, direct report) pairs inside the subtree with a 1:1 in the interval',
  })
  oneOnOneCoverage!: number | null;
}
