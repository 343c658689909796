import { Field, ID, ObjectType } from '@nestjs/graphql';
import { connectionOf } from '../graphql/connections/connection';

@ObjectType('Group', { description: 'A group of teams in the org chart (§8); structure as of now' })
export class GroupModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'Null until a group.registered names it' })
  name!: string | null;
  /** Resolved by the parent field; outside a scoped token's subtree it is null. */
  parentId!: string | null;
}

export const GroupConnection = connectionOf(GroupModel, 'Group');
