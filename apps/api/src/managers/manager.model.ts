import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Manager', { description: 'Span of control and 1:1 cadence; asOf defaults to now' })
export class ManagerModel {
  @Field(() => ID)
  id!: string;
}
