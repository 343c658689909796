import { Args, Context, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ORG_SETTINGS, ORG_SETTING_NAMES, type OrgSettings, settingsChangeProblems } from '@orgpulse/domain';
import { OrgSettingsRepository } from '@orgpulse/persistence';
import { DataSource } from 'typeorm';
import { Roles } from '../auth/roles.decorator';
import { badInput } from '../graphql/graphql-errors';
import type { RequestContext } from '../graphql/request-context';

@ObjectType('Settings', { description: 'Org settings: metric parameters and alert thresholds' })
export class SettingsModel {}

@InputType('SettingsInput', { description: 'Only the fields given change' })
export class SettingsInput {}

// Both types are derived from the one definition of org settings, field by field.
for (const name of ORG_SETTING_NAMES) {
  const { description, min, max, defaultValue } = ORG_SETTINGS[name];
  Field(() => Int, { description: `${description} (default ${defaultValue})` })(
    SettingsModel.prototype,
    name,
  );
  Field(() => Int, { nullable: true, description: `${min}..${max}` })(SettingsInput.prototype, name);
}

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
    @Args('input', { type: () => SettingsInput }) input: Partial<Record<string, unknown>>,
  ): Promise<OrgSettings> {
    const problems = settingsChangeProblems(input);
    if (problems.length > 0) throw badInput(problems.join('; '));
    const changes = Object.fromEntries(
      ORG_SETTING_NAMES.filter((name) => typeof input[name] === 'number').map((name) => [name, input[name]]),
    ) as Partial<OrgSettings>;
    return this.settings.update(ctx.orgId, changes);
  }
}
