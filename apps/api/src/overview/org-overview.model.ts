import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('OrgOverview', {
  description:
    'The org (§4) or a group roll-up (§8): teams and blocked teams at min(to, now), sums for the window',
})
export class OrgOverviewModel {
  @Field(() => Int) teams!: number;
  @Field(() => Int) blockedTeams!: number;
  @Field(() => Float) idlePersonDays!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'idlePersonDays × idleCostPerPersonDay; null while unset',
  })
  idleCost!: number | null;
  @Field(() => Float) blockedHours!: number;
  @Field(() => Int) interviews!: number;
  @Field(() => Int, { description: 'Interviews held by pm, designer and engineer together' })
  trioInterviews!: number;
  @Field(() => Int) ships!: number;
}
