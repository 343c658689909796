import { Args, Context, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type OrgSettings, OrgSettingsRepository } from '@orgpulse/persistence';
import { DataSource } from 'typeorm';
import { Roles } from '../auth/roles.decorator';
import { badInput } from '../graphql/graphql-errors';
import type { RequestContext } from '../graphql/request-context';

@ObjectType('Settings', { description: 'Org settings: metric parameters and alert thresholds' })
export class SettingsModel implements OrgSettings {
  @Field(() => Int, { description: 'Interviews per ISO week a team should hold' }) discoveryTarget!: number;
  @Field(() => Int, { description: 'Days within which each direct report should have a 1:1' })
  oneOnOneIntervalDays!: number;
  @Field(() => Int, { description: 'TEAM_IDLE: hours blocked without a break' }) teamIdleHours!: number;
  @Field(() => Int, { description: 'TEAM_STALLED: days without a ship or an interview' })
  teamStalledDays!: number;
  @Field(() => Int, { description: 'DISCOVERY_LAPSED: days without an interview' })
  discoveryLapsedDays!: number;
  @Field(() => Int, { description: 'ONE_ON_ONE_OVERDUE: days without a 1:1' }) oneOnOneOverdueDays!: number;
  @Field(() => Int, { description: 'MANAGER_OVERLOADED: direct reports above this' })
  managerOverloadedReports!: number;
}

@InputType('SettingsInput', { description: 'Only the fields given change' })
export class SettingsInput implements Partial<OrgSettings> {
  @Field(() => Int, { nullable: true }) discoveryTarget?: number;
  @Field(() => Int, { nullable: true }) oneOnOneIntervalDays?: number;
  @Field(() => Int, { nullable: true }) teamIdleHours?: number;
  @Field(() => Int, { nullable: true }) teamStalledDays?: number;
  @Field(() => Int, { nullable: true }) discoveryLapsedDays?: number;
  @Field(() => Int, { nullable: true }) oneOnOneOverdueDays?: number;
  @Field(() => Int, { nullable: true }) managerOverloadedReports?: number;
}

const LIMITS: Record<keyof OrgSettings, [number, number]> = {
  discoveryTarget: [1, 100],
  oneOnOneIntervalDays: [1, 365],
  teamIdleHours: [1, 8760],
  teamStalledDays: [1, 365],
  discoveryLapsedDays: [1, 365],
  oneOnOneOverdueDays: [1, 365],
  managerOverloadedReports: [1, 1000],
};

@Resolver(() => SettingsModel)
export class SettingsResolver {
  private readonly settings: OrgSettingsRepository;

  constructor(db: DataSource) {
    this.settings = new OrgSettingsRepository(db);
  }

  @Query(() => SettingsModel, { name: 'settings' })
  @Roles('viewer', 'admin')
  orgSettings(@Context() ctx: RequestContext): Promise<OrgSettings> {
    return ctx.settings();
  }

  @Mutation(() => SettingsModel, { description: 'Admin only' })
  @Roles('admin')
  async updateSettings(
    @Context() ctx: RequestContext,
    @Args('input') input: SettingsInput,
  ): Promise<OrgSettings> {
    const changes: Partial<OrgSettings> = {};
    for (const [field, [min, max]] of Object.entries(LIMITS) as [keyof OrgSettings, [number, number]][]) {
      const value = input[field];
      if (value === undefined || value === null) continue;
      if (value < min || value > max) throw badInput(`${field} must be between ${min} and ${max}`);
      changes[field] = value;
    }
    return this.settings.update(ctx.orgId, changes);
  }
}
