import {
  Args,
  Context,
  Field,
  GraphQLISODateTime,
  ID,
  ObjectType,
  Query,
  Resolver,
  Subscription,
  registerEnumType,
} from '@nestjs/graphql';
import type { AlertChanged } from '@orgpulse/contracts';
import { AlertsRepository, type AlertStatus } from '@orgpulse/persistence';
import { DataSource } from 'typeorm';
import { ALERT_CHANGED, AlertChanges } from './alert-changes';
import { GraphQLJSONObject } from '../graphql/json-object.scalar';
import type { RequestContext } from '../graphql/request-context';

export enum AlertStatusEnum {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatusEnum, { name: 'AlertStatus' });

@ObjectType('Alert')
export class AlertModel {
  @Field(() => ID) id!: string;
  @Field(() => String) rule!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => AlertStatusEnum) status!: AlertStatus;
  @Field(() => GraphQLISODateTime) raisedAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => GraphQLJSONObject, { description: 'The figures when raised (e.g. idle person-days so far)' })
  figures!: Record<string, unknown>;
}

@Resolver(() => AlertModel)
export class AlertsResolver {
  private readonly alerts: AlertsRepository;

  constructor(
    db: DataSource,
    private readonly changes: AlertChanges,
  ) {
    this.alerts = new AlertsRepository(db);
  }

  @Subscription(() => AlertModel, {
    description: 'Alerts of your org as they are raised and resolved',
    filter: (change: AlertChanged, _args: unknown, ctx: RequestContext) => change.alert.orgId === ctx.orgId,
    resolve: ({ alert }: AlertChanged): AlertModel => ({
      ...alert,
      raisedAt: new Date(alert.raisedAt),
      resolvedAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt),
    }),
  })
  alertChanged() {
    return this.changes.pubsub.asyncIterableIterator(ALERT_CHANGED);
  }

  @Query(() => [AlertModel], { name: 'alerts' })
  listAlerts(
    @Context() ctx: RequestContext,
    @Args('status', { type: () => AlertStatusEnum, nullable: true }) status?: AlertStatusEnum,
  ): Promise<AlertModel[]> {
    return this.alerts.list(ctx.orgId, status);
  }
}
