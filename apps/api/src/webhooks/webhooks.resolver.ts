import {
  Args,
  Context,
  Field,
  GraphQLISODateTime,
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
import { WebhooksRepository } from '@orgpulse/persistence';
import { DataSource } from 'typeorm';
import { badInput, forbidden } from '../graphql/graphql-errors';
import type { RequestContext } from '../graphql/request-context';

export enum WebhookFormat {
  json = 'json',
  slack = 'slack',
}
registerEnumType(WebhookFormat, { name: 'WebhookFormat' });

@ObjectType('WebhookDelivery', { description: 'One alert change sent (or being sent) to a webhook' })
export class WebhookDeliveryModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) alertId!: string;
  @Field(() => String, { description: 'pending, delivered or failed (gave up)' }) status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Int, { nullable: true }) lastStatus!: number | null;
  @Field(() => GraphQLISODateTime) nextAttemptAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) deliveredAt!: Date | null;
}

@ObjectType('Webhook')
export class WebhookModel {
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => WebhookFormat) format!: WebhookFormat;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

const requireAdmin = (ctx: RequestContext, what: string) => {
  if (ctx.principal.role !== 'admin') throw forbidden(`${what} needs an admin token`);
};

@Resolver(() => WebhookModel)
export class WebhooksResolver {
  private readonly webhooks: WebhooksRepository;

  constructor(db: DataSource) {
    this.webhooks = new WebhooksRepository(db);
  }

  @Query(() => [WebhookModel], { name: 'webhooks', description: 'Admin only' })
  webhookList(@Context() ctx: RequestContext): Promise<WebhookModel[]> {
    requireAdmin(ctx, 'webhooks');
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
  async registerWebhook(
    @Context() ctx: RequestContext,
    @Args('url') url: string,
    @Args('secret') secret: string,
    @Args('format', { type: () => WebhookFormat, defaultValue: WebhookFormat.json }) format: WebhookFormat,
  ): Promise<WebhookModel> {
    requireAdmin(ctx, 'registerWebhook');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badInput('url must be an absolute http(s) URL');
    }
    if (!['http:', 'https:'].includes(parsed.protocol) || url.length > 2048)
      throw badInput('url must be an http(s) URL of at most 2048 characters');
    if (secret.length < 16 || secret.length > 256) throw badInput('secret must be 16 to 256 characters');
    return (await this.webhooks.create(ctx.orgId, url, secret, format)) as WebhookModel;
  }

  @Mutation(() => Boolean, { description: 'Admin only' })
  deleteWebhook(
    @Context() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    requireAdmin(ctx, 'deleteWebhook');
    return this.webhooks.delete(ctx.orgId, id);
  }
}
