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
import { WebhookTargetPolicy } from '@orgpulse/domain';
import { WebhooksRepository } from '@orgpulse/persistence';

import { Access } from '../auth/access.decorator';
import { badInput } from '../graphql/graphql-errors';
import { isUuid } from '@orgpulse/contracts';
import type { RequestContext } from '../graphql/request-context';
import { MAX_WEBHOOKS_PER_ORG, webhookRegistrationProblem } from './webhook-registration';
import { DateTime } from '../graphql/date-time.scalar';

export enum WebhookFormat {
  json = 'json',
  slack = 'slack',
}
registerEnumType(WebhookFormat, { name: 'WebhookFormat' });

@ObjectType('WebhookDelivery', { description: 'One alert change sent (or being sent) to a webhook' })
export class WebhookDeliveryModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) alertId!: string;
  @Field(() => String, {
    description: 'pending (retried until delivered), delivered, or cancelled (the webhook was deleted)',
  })
  status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Int, { nullable: true }) lastStatus!: number | null;
  @Field(() => DateTime) nextAttemptAt!: Date;
  @Field(() => DateTime, { nullable: true }) deliveredAt!: Date | null;
}

@ObjectType('Webhook')
export class WebhookModel {
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => WebhookFormat) format!: WebhookFormat;
  @Field(() => DateTime) createdAt!: Date;
}

@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(
    @Inject(WebhooksRepository) private readonly webhooks: WebhooksRepository,
    // the same operator setting the alerter applies at every delivery
    @Inject(WebhookTargetPolicy) private readonly policy: WebhookTargetPolicy,
  ) {}

  /** Seals what an older release stored in clear, before the API answers (the alerter does so too). */
  async onModuleInit(): Promise<void> {
    await this.webhooks.sealClearSecrets();
  }

  @Query(() => [WebhookModel], { name: 'webhooks', description: 'Admin only' })
  @Access({ roles: ['admin'] })
  webhookList(@Context() ctx: RequestContext): Promise<WebhookModel[]> {
    return this.webhooks.list(ctx.orgId) as Promise<WebhookModel[]>;
  }

  @ResolveField(() => [WebhookDeliveryModel], { description: 'Latest deliveries first' })
  deliveries(
    @Parent() webhook: WebhookModel,
    @Context() ctx: RequestContext,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
  ): Promise<WebhookDeliveryModel[]> {
    return this.webhooks.deliveries(ctx.orgId, webhook.id, Math.max(1, Math.min(first, 500)));
  }

  @Mutation(() => WebhookModel, {
    description: 'Admin only. Deliveries are signed X-Orgpulse-Signature: sha256=<HMAC of the body>',
  })
  @Access({ roles: ['admin'] })
  async registerWebhook(
    @Context() ctx: RequestContext,
    @Args('url') url: string,
    @Args('secret') secret: string,
    @Args('format', { type: () => WebhookFormat, defaultValue: WebhookFormat.json }) format: WebhookFormat,
  ): Promise<WebhookModel> {
    const problem = await webhookRegistrationProblem(url, secret, this.policy);
    if (problem) throw badInput(problem);
    const created = await this.webhooks.create(ctx.orgId, { url, secret, format }, MAX_WEBHOOKS_PER_ORG);
    if (!created)
      throw badInput(`an org may have at most ${MAX_WEBHOOKS_PER_ORG} webhooks; delete one first`);
    return created as WebhookModel;
  }

  @Mutation(() => Boolean, { description: 'Admin only. Its pending deliveries are cancelled.' })
  @Access({ roles: ['admin'] })
  deleteWebhook(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    if (!isUuid(id)) throw badInput(`id ${JSON.stringify(id.slice(0, 80))} is not a webhook id (a UUID)`);
    return this.webhooks.delete(ctx.orgId, id);
  }
}
