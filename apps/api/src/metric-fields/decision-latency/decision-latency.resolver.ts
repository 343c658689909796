import {
  Args,
  Context,
  Field,
  Float,
  Int,
  ObjectType,
  Parent,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import {
  type Decision,
  type DecisionLatency,
  decisionLatency,
  decisionLatencyMetric,
} from '@orgpulse/domain';
import type { RequestContext } from '../../graphql/request-context';
import { WindowInput, toWindow } from '../../graphql/window.input';
import type { TeamView } from '../../read-models/team-reads';
import { TeamModel } from '../../teams/team.models';

@ObjectType('DecisionLatency', {
  description: 'Decisions the team waited for (decision.made) made in the window, and how long they waited',
})
export class DecisionLatencyModel implements DecisionLatency {
  @Field(() => Int) decisions!: number;
  @Field(() => Float, { nullable: true, description: 'Median wait in hours (nearest rank); null: none' })
  medianHours!: number | null;
  @Field(() => Float, { nullable: true, description: '90th percentile wait in hours (nearest rank)' })
  p90Hours!: number | null;
  @Field(() => Float, { nullable: true }) longestHours!: number | null;
}

@Resolver(() => TeamModel)
export class DecisionLatencyResolver {
  @ResolveField(() => DecisionLatencyModel)
  async decisionLatency(
    @Parent() team: TeamView,
    @Context() ctx: RequestContext,
    @Args('window') input: WindowInput,
  ): Promise<DecisionLatencyModel> {
    const window = toWindow(input);
    const facts = await ctx.declared.factsWithin<Decision>(
      decisionLatencyMetric.readModel,
      team.subjectId,
      window,
    );
    return decisionLatency(facts, window);
  }
}
