import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  ID,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
  registerEnumType,
} from '@nestjs/graphql';
import { IntegrationsRepository } from '@orgpulse/persistence';

import { Access } from '../auth/access.decorator';
import { badInput } from '../graphql/graphql-errors';
import { isUuid } from '@orgpulse/contracts';
import { Cost } from '../graphql/query-limits/cost.decorator';
import type { RequestContext } from '../graphql/request-context';
import {
  CreateIntegrationInput,
  INTEGRATION_LIMITS,
  IntegrationKindValue,
  ShipSignal,
  integrationInputProblem,
  toOptions,
  toTeamMappings,
} from './integration-input';
import { DateTime } from '../graphql/date-time.scalar';

export enum DeliveryOutcomeValue {
  ACCEPTED = 'ACCEPTED',
  IGNORED = 'IGNORED',
  REJECTED = 'REJECTED',
}
registerEnumType(DeliveryOutcomeValue, { name: 'IntegrationDeliveryOutcome' });

const DELIVERIES = { defaultSize: 20, maxSize: 200 };

@ObjectType('IntegrationDelivery', { description: 'One verified delivery from the vendor, newest first' })
export class IntegrationDeliveryModel {
  @Field(() => DateTime) receivedAt!: Date;
  @Field(() => String, { nullable: true }) vendorDeliveryId!: string | null;
  @Field(() => DeliveryOutcomeValue) outcome!: DeliveryOutcomeValue;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => [String]) eventIds!: string[];
}

@ObjectType('TeamMapping')
export class TeamMappingModel {
  @Field(() => String) match!: string;
  @Field(() => String) teamId!: string;
}

@ObjectType('IntegrationOptions')
export class IntegrationOptionsModel {
  @Field(() => [String], { nullable: true }) productionEnvironments?: string[];
  @Field(() => ShipSignal, { nullable: true }) shipSignal?: ShipSignal;
  @Field(() => String, { nullable: true }) blockedLabel?: string;
  @Field(() => [String], { nullable: true }) blockedStates?: string[];
}

@ObjectType('Integration', { description: 'A vendor webhook receiver; its secret is never returned' })
export class IntegrationModel {
  @Field(() => ID) id!: string;
  @Field(() => IntegrationKindValue) kind!: IntegrationKindValue;
  @Field(() => String) name!: string;
  @Field(() => String, {
    description: 'Path on the ingest app to paste into the vendor: /v1/integrations/<id>',
  })
  receiverPath!: string;
  @Field(() => [TeamMappingModel]) teamMappings!: TeamMappingModel[];
  @Field(() => IntegrationOptionsModel) options!: IntegrationOptionsModel;
  @Field(() => DateTime) createdAt!: Date;
}

const toModel = <T extends { id: string }>(row: T) => ({
  ...row,
  receiverPath: `/v1/integrations/${row.id}`,
});

@Resolver(() => IntegrationModel)
export class IntegrationsResolver {
  constructor(@Inject(IntegrationsRepository) private readonly repository: IntegrationsRepository) {}

  @Query(() => [IntegrationModel], { name: 'integrations', description: 'Admin only' })
  @Access({ roles: ['admin'] })
  @Cost({ listSize: INTEGRATION_LIMITS.perOrg })
  async integrationList(@Context() ctx: RequestContext): Promise<IntegrationModel[]> {
    return (await this.repository.list(ctx.orgId)).map(toModel) as IntegrationModel[];
  }

  @Query(() => IntegrationModel, { nullable: true, description: 'Admin only' })
  @Access({ roles: ['admin'] })
  async integration(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<IntegrationModel | null> {
    if (!isUuid(id)) return null;
    const row = await this.repository.find(ctx.orgId, id);
    return row ? (toModel(row) as IntegrationModel) : null;
  }

  @ResolveField(() => [IntegrationDeliveryModel], {
    description: `Newest first: last (default ${DELIVERIES.defaultSize}, at most ${DELIVERIES.maxSize}). The newest 200 are kept.`,
  })
  @Cost({ listSize: DELIVERIES.defaultSize })
  deliveries(
    @Parent() integration: IntegrationModel,
    @Context() ctx: RequestContext,
    @Args('last', { type: () => Int, defaultValue: DELIVERIES.defaultSize }) last: number,
  ): Promise<IntegrationDeliveryModel[]> {
    if (last < 1 || last > DELIVERIES.maxSize) throw badInput(`last must be 1 to ${DELIVERIES.maxSize}`);
    return this.repository.deliveries(ctx.orgId, integration.id, last) as Promise<IntegrationDeliveryModel[]>;
  }

  @Mutation(() => IntegrationModel, {
    description: 'Admin only. Paste the ingest URL + receiverPath and the secret into the vendor.',
  })
  @Access({ roles: ['admin'] })
  async createIntegration(
    @Context() ctx: RequestContext,
    @Args('input') input: CreateIntegrationInput,
  ): Promise<IntegrationModel> {
    const problem = integrationInputProblem(input);
    if (problem) throw badInput(problem);
    const created = await this.repository.create(
      ctx.orgId,
      {
        kind: input.kind,
        name: input.name.trim(),
        secret: input.secret,
        teamMappings: toTeamMappings(input.teamMappings),
        options: toOptions(input.options),
      },
      INTEGRATION_LIMITS.perOrg,
    );
    if (!created)
      throw badInput(`an org may have at most ${INTEGRATION_LIMITS.perOrg} integrations; delete one first`);
    return toModel(created) as IntegrationModel;
  }

  @Mutation(() => Boolean, { description: 'Admin only. Its receiver answers 401 from then on.' })
  @Access({ roles: ['admin'] })
  deleteIntegration(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return isUuid(id) ? this.repository.delete(ctx.orgId, id) : Promise.resolve(false);
  }
}
