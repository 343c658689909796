import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar';
import { PersonModel } from '../people/people.resolver';

@ObjectType('CompetencyProgress', { description: 'One competency of a coaching plan at asOf (contract §14)' })
export class CompetencyProgressModel {
  @Field(() => String) competency!: string;
  @Field(() => Int) target!: number;
  @Field(() => Int, { nullable: true, description: 'The latest level seen in a 1:1, from any manager' })
  level!: number | null;
  @Field(() => DateTime, { nullable: true }) ratedAt!: Date | null;
  @Field(() => Int, { description: 'max(0, target − level), or target without a level' })
  gap!: number;
}

@ObjectType('Coaching', {
  description: "A person's coaching plan at asOf and the progress seen in 1:1s (§14)",
})
export class CoachingModel {
  @Field(() => DateTime) planSetAt!: Date;
  @Field(() => [CompetencyProgressModel]) competencies!: CompetencyProgressModel[];
  @Field(() => Float, { description: "The mean of the plan's gaps" }) averageGap!: number;
  @Field(() => Float, { description: "The share of the plan's competencies with a level" })
  ratedShare!: number;
  @Field(() => DateTime, { nullable: true }) lastRatedAt!: Date | null;
}

@ObjectType('WeakestReport', { description: 'The direct report with a plan with the highest averageGap' })
export class WeakestReportModel {
  @Field(() => PersonModel) person!: PersonModel;
  @Field(() => Float) averageGap!: number;
}

@ObjectType('ManagerCoaching', {
  description:
    "A manager's coaching (§14): plans among their direct reports at asOf, the weakest of them, and the share of their 1:1s in the window that recorded a level",
})
export class ManagerCoachingModel {
  @Field(() => Int) reports!: number;
  @Field(() => Float, { nullable: true, description: 'Reports with a plan ÷ reports; null with no reports' })
  planCoverage!: number | null;
  @Field(() => WeakestReportModel, { nullable: true, description: 'Ties: the smallest person id' })
  weakest!: WeakestReportModel | null;
  @Field(() => Int) oneOnOnes!: number;
  @Field(() => Int, { description: 'Of them, those with at least one rating' }) ratedOneOnOnes!: number;
  @Field(() => Float, { nullable: true, description: 'ratedOneOnOnes ÷ oneOnOnes; null when 0' })
  ratingShare!: number | null;
}
