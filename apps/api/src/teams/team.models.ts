import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar';
import { connectionOf } from '../graphql/connections/connection';

@ObjectType('Team')
export class TeamModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => ID, { nullable: true, description: 'The group the team rolls up to' })
  groupId!: string | null;

  @Field(() => Int, { description: 'Headcount now, from the latest team.registered' })
  headcount!: number;

  @Field(() => Boolean, { description: 'Whether the team is blocked now' })
  blocked!: boolean;

  @Field(() => DateTime, { nullable: true, description: 'Start of the current blocked interval' })
  blockedSince!: Date | null;
}

@ObjectType('Idleness')
export class IdlenessModel {
  @Field(() => Float) blockedHours!: number;
  @Field(() => Float) idlePersonDays!: number;
  @Field(() => Int) blockedEpisodes!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'idlePersonDays × idleCostPerPersonDay; null while unset',
  })
  idleCost!: number | null;
}

@ObjectType('IdleBreakdown', { description: 'Idle time of one reason, or of one blocking team' })
export class IdleBreakdownModel {
  @Field(() => String) key!: string;
  @Field(() => Float) blockedHours!: number;
  @Field(() => Float) idlePersonDays!: number;
}

@ObjectType('DiscoveryCadence')
export class DiscoveryCadenceModel {
  @Field(() => Int) interviews!: number;
  @Field(() => Int) weeksInWindow!: number;
  @Field(() => Int) weeksMeetingTarget!: number;
  @Field(() => Float) adherence!: number;
  @Field(() => Int) currentStreakWeeks!: number;
  @Field(() => DateTime, { nullable: true }) lastInterviewAt!: Date | null;
  @Field(() => Float, { nullable: true }) daysSinceLast!: number | null;
  @Field(() => Int, { description: 'Interviews held by pm, designer and engineer together' })
  trioInterviews!: number;
  @Field(() => Float, { nullable: true, description: 'trioInterviews / interviews; null with no interviews' })
  trioShare!: number | null;
}

@ObjectType('DeliveryCadence')
export class DeliveryCadenceModel {
  @Field(() => Int) ships!: number;
  @Field(() => DateTime, { nullable: true }) lastShippedAt!: Date | null;
  @Field(() => Float, { nullable: true }) daysSinceLast!: number | null;
}

@ObjectType('WeekPoint', { description: 'One ISO week (Monday 00:00 UTC) of a trend, clipped to the window' })
export class WeekPointModel {
  @Field(() => DateTime) weekStart!: Date;
  @Field(() => Float) idlePersonDays!: number;
  @Field(() => Int) interviews!: number;
  @Field(() => Int) ships!: number;
}

export const TeamConnection = connectionOf(TeamModel, 'Team');
