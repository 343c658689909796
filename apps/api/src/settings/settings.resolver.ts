import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  Float,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from '@nestjs/graphql';
import {
  ORG_SETTINGS,
  ORG_SETTING_NAMES,
  type OrgSettings,
  type SettingSpec,
  settingsChangeProblems,
  settingsChanges,
} from '@orgpulse/domain';
import { OrgSettingsRepository } from '@orgpulse/persistence';

import { Access } from '../auth/access.decorator';
import { badInput } from '../graphql/graphql-errors';
import type { RequestContext } from '../graphql/request-context';

@ObjectType('Settings', { description: 'Org settings: metric parameters and alert thresholds' })
export class SettingsModel {}

@InputType('SettingsInput', { description: 'Only the fields given change' })
export class SettingsInput {}

const graphqlType = (spec: SettingSpec) =>
  spec.kind === 'integer' ? Int : spec.kind === 'amount' ? Float : String;
const inputDescription = (spec: SettingSpec) =>
  spec.kind === 'integer'
    ? `${spec.min}..${spec.max}`
    : spec.kind === 'amount'
      ? `${spec.min}..${spec.max}; null unsets it`
      : 'ISO 4217 code';

// Both types are derived from the one definition of org settings, field by field.
for (const name of ORG_SETTING_NAMES) {
  const spec: SettingSpec = ORG_SETTINGS[name];
  Field(() => graphqlType(spec), {
    nullable: spec.kind === 'amount',
    description: `${spec.description} (default ${spec.defaultValue})`,
  })(SettingsModel.prototype, name);
  Field(() => graphqlType(spec), { nullable: true, description: inputDescription(spec) })(
    SettingsInput.prototype,
    name,
  );
}

@Resolver(() => SettingsModel)
export class SettingsResolver {
  constructor(@Inject(OrgSettingsRepository) private readonly settings: OrgSettingsRepository) {}

  @Query(() => SettingsModel, { name: 'settings' })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'org' })
  orgSettings(@Context() ctx: RequestContext): Promise<OrgSettings> {
    return ctx.settings();
  }

  @Mutation(() => SettingsModel, { description: 'Admin only' })
  @Access({ roles: ['admin'] })
  async updateSettings(
    @Context() ctx: RequestContext,
    @Args('input', { type: () => SettingsInput }) input: Partial<Record<string, unknown>>,
  ): Promise<OrgSettings> {
    const problems = settingsChangeProblems(input);
    if (problems.length > 0) throw badInput(problems.join('; '));
    return this.settings.update(ctx.orgId, settingsChanges(input));
  }
}
