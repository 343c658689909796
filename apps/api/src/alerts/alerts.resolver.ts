import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  ID,
  Int,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
  registerEnumType,
} from '@nestjs/graphql';
import type { AlertChanged } from '@orgpulse/contracts';
import { teamAlertRules } from '@orgpulse/domain';
import { AlertsRepository, type AlertStatus } from '@orgpulse/persistence';

import { Access } from '../auth/access.decorator';
import { GraphQLJSONObject } from '../graphql/json-object.scalar';
import { Cost } from '../graphql/query-limits/cost.decorator';
import { ALERTS_PAGE, pageSize } from '../graphql/query-limits/query-limits';
import { type Connection, connection, connectionOf, keyAfter } from '../graphql/connections/connection';
import { AlertChanges } from './alert-changes';
import type { RequestContext } from '../graphql/request-context';
import { allTeams } from '../overview/org-figures';
import { DateTime } from '../graphql/date-time.scalar';

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
  @Field(() => DateTime) raisedAt!: Date;
  @Field(() => DateTime, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => GraphQLJSONObject, { description: 'The figures when raised (e.g. idle person-days so far)' })
  figures!: Record<string, unknown>;
}

const AlertConnection = connectionOf(AlertModel, 'Alert');
const ALERTS_LIST = 'alerts';

@Resolver(() => AlertModel)
export class AlertsResolver {
  constructor(
    @Inject(AlertsRepository) private readonly alerts: AlertsRepository,
    @Inject(AlertChanges) private readonly changes: AlertChanges,
  ) {}

  @Subscription(() => AlertModel, {
    description: 'Alerts of your org as they are raised and resolved',
    filter: (change: AlertChanged, _args: unknown, ctx: RequestContext) =>
      change.alert.orgId === ctx.orgId && ctx.seesAlert(change.alert),
    resolve: ({ alert }: AlertChanged): AlertModel => ({
      ...alert,
      raisedAt: new Date(alert.raisedAt),
      resolvedAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt),
    }),
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  alertChanged(@Context() ctx: RequestContext) {
    return this.changes.changesOf(ctx.orgId);
  }

  @Query(() => [AlertModel], {
    name: 'alerts',
    description: `Latest raised first, paged: first (default ${ALERTS_PAGE.defaultSize}, at most ${ALERTS_PAGE.maxSize}) and after (the last id of the previous page)`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ page: ALERTS_PAGE, size: 'alerts' })
  async listAlerts(
    @Context() ctx: RequestContext,
    @Args('status', { type: () => AlertStatusEnum, nullable: true }) status?: AlertStatusEnum,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => ID, nullable: true }) after?: string,
  ): Promise<AlertModel[]> {
    return this.alerts.list(ctx.orgId, status, {
      first: pageSize(first, ALERTS_PAGE),
      after,
      ...(await this.scopeOf(ctx)),
    });
  }

  @Query(() => AlertConnection, {
    description: `alerts as a connection (contract §12), latest raised first: first (default ${ALERTS_PAGE.defaultSize}, at most ${ALERTS_PAGE.maxSize}) and after (an endCursor)`,
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'subtree' })
  @Cost({ page: ALERTS_PAGE, size: 'alerts' })
  async alertsConnection(
    @Context() ctx: RequestContext,
    @Args('status', { type: () => AlertStatusEnum, nullable: true }) status?: AlertStatusEnum,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Connection<AlertModel>> {
    const size = pageSize(first, ALERTS_PAGE);
    const scope = await this.scopeOf(ctx);
    const alerts = await this.alerts.list(ctx.orgId, status, {
      first: size + 1,
      after: keyAfter(ALERTS_LIST, after),
      ...scope,
    });
    return connection(
      ALERTS_LIST,
      alerts,
      size,
      (a) => a.id,
      () => this.alerts.count(ctx.orgId, status, scope),
    );
  }

  @ResolveField(() => String, {
    nullable: true,
    description: "The team's or person's name, when known (contract §13)",
  })
  async subjectName(@Parent() alert: AlertModel, @Context() ctx: RequestContext): Promise<string | null> {
    const isTeam = teamAlertRules.includes(alert.rule as (typeof teamAlertRules)[number]);
    const loader = isTeam ? ctx.teams.heads : ctx.people.heads;
    const subject = await loader.load(alert.subjectId);
    // a subscription keeps its context for as long as it is open: names are not held past the answer
    loader.clear(alert.subjectId);
    return subject?.state.name ?? null;
  }

  /** For a group-scoped token, only team rules about its teams. */
  private async scopeOf(ctx: RequestContext): Promise<{ teams?: string[]; rules?: string[] }> {
    const scope = await ctx.scope();
    return scope === null
      ? {}
      : { teams: (await allTeams(ctx)).map((t) => t.subjectId), rules: [...teamAlertRules] };
  }
}
