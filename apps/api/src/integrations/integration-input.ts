import { Field, InputType, registerEnumType } from '@nestjs/graphql';
import { type IntegrationOptions, type TeamMapping, integrationKinds } from '@orgpulse/persistence';
import { storableTextProblem } from '../graphql/input-values';

export enum IntegrationKindValue {
  GITHUB = 'GITHUB',
  JIRA = 'JIRA',
  SLACK = 'SLACK',
  LINEAR = 'LINEAR',
}
registerEnumType(IntegrationKindValue, { name: 'IntegrationKind' });

export enum ShipSignal {
  DEPLOYMENT = 'DEPLOYMENT',
  RELEASE = 'RELEASE',
}
registerEnumType(ShipSignal, {
  name: 'ShipSignal',
  description: 'What a GitHub integration counts as a ship: a production deployment, or a published release',
});

@InputType('TeamMappingInput')
export class TeamMappingInput {
  @Field(() => String, {
    description:
      'Compared exactly: repository full_name (GitHub), project key (Jira), team key (Linear), channel id (Slack)',
  })
  match!: string;
  @Field(() => String) teamId!: string;
}

@InputType('IntegrationOptionsInput')
export class IntegrationOptionsInput {
  @Field(() => [String], {
    nullable: true,
    description: 'GitHub: environments that ship (default ["production"])',
  })
  productionEnvironments?: string[];
  @Field(() => ShipSignal, { nullable: true, description: 'GitHub (default DEPLOYMENT)' })
  shipSignal?: ShipSignal;
  @Field(() => String, {
    nullable: true,
    description: 'Jira, Linear: the label of issues that block a team (default team-blocked)',
  })
  blockedLabel?: string;
  @Field(() => [String], {
    nullable: true,
    description: 'Linear: states that mean blocked (default ["Blocked"])',
  })
  blockedStates?: string[];
}

@InputType('CreateIntegrationInput')
export class CreateIntegrationInput {
  @Field(() => IntegrationKindValue) kind!: IntegrationKindValue;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The secret the vendor signs with; stored encrypted, never returned' })
  secret!: string;
  @Field(() => [TeamMappingInput], { defaultValue: [] }) teamMappings!: TeamMappingInput[];
  @Field(() => IntegrationOptionsInput, { nullable: true }) options?: IntegrationOptionsInput;
}

/** What each input may hold: an admin's input costs bounded storage and bounded work per delivery. */
export const INTEGRATION_LIMITS = {
  perOrg: 20,
  nameChars: 200,
  secretChars: [16, 256] as const,
  teamMappings: 500,
  matchChars: 256,
  teamIdChars: 128,
  listEntries: 20,
  labelChars: 255,
};

const outOf = (value: string, max: number) => value.length === 0 || value.length > max;

/** What is wrong with an integration an admin creates, or undefined; and its options with defaults left out. */
export function integrationInputProblem(input: CreateIntegrationInput): string | undefined {
  const L = INTEGRATION_LIMITS;
  const o = input.options ?? {};
  const texts: [string, string][] = [
    ['name', input.name],
    ['secret', input.secret],
    ...input.teamMappings.flatMap((m, i): [string, string][] => [
      [`teamMappings.${i}.match`, m.match],
      [`teamMappings.${i}.teamId`, m.teamId],
    ]),
    ...(o.productionEnvironments ?? []).map((v, i): [string, string] => [
      `options.productionEnvironments.${i}`,
      v,
    ]),
    ...(o.blockedStates ?? []).map((v, i): [string, string] => [`options.blockedStates.${i}`, v]),
    ...(o.blockedLabel ? [['options.blockedLabel', o.blockedLabel] as [string, string]] : []),
  ];
  // bounded before it is walked: at most teamMappings and list limits below decide the rest
  if (input.teamMappings.length <= L.teamMappings)
    for (const [name, value] of texts) {
      const problem = storableTextProblem(name, value);
      if (problem !== undefined) return problem;
    }
  if (!integrationKinds.includes(input.kind)) return `kind must be one of ${integrationKinds.join(', ')}`;
  if (outOf(input.name.trim(), L.nameChars)) return `name must be 1 to ${L.nameChars} characters`;
  if (input.secret.length < L.secretChars[0] || input.secret.length > L.secretChars[1])
    return `secret must be ${L.secretChars[0]} to ${L.secretChars[1]} characters`;
  if (input.teamMappings.length > L.teamMappings) return `at most ${L.teamMappings} teamMappings`;
  const seen = new Set<string>();
  for (const [i, m] of input.teamMappings.entries()) {
    if (outOf(m.match, L.matchChars))
      return `teamMappings.${i}.match must be 1 to ${L.matchChars} characters`;
    if (outOf(m.teamId, L.teamIdChars))
      return `teamMappings.${i}.teamId must be 1 to ${L.teamIdChars} characters`;
    if (seen.has(m.match)) return `teamMappings.${i}.match ${JSON.stringify(m.match)} is mapped twice`;
    seen.add(m.match);
  }
  const kind: string = input.kind;
  const source = { GITHUB: 'repository', JIRA: 'project', LINEAR: 'team' }[kind];
  if (source !== undefined && input.teamMappings.length === 0)
    return `teamMappings must map at least one ${source} to a team`;
  for (const name of ['productionEnvironments', 'blockedStates'] as const) {
    const list = o[name];
    if (list === undefined || list === null) continue;
    if (list.length === 0 || list.length > L.listEntries)
      return `options.${name} must hold 1 to ${L.listEntries} names`;
    if (list.some((s) => outOf(s, L.labelChars)))
      return `options.${name} entries must be 1 to ${L.labelChars} characters`;
  }
  if (o.blockedLabel !== undefined && o.blockedLabel !== null && outOf(o.blockedLabel, L.labelChars))
    return `options.blockedLabel must be 1 to ${L.labelChars} characters`;
  return undefined;
}

export const toTeamMappings = (input: readonly TeamMappingInput[]): TeamMapping[] =>
  input.map(({ match, teamId }) => ({ match, teamId }));

export function toOptions(input: IntegrationOptionsInput | undefined): IntegrationOptions {
  const options: IntegrationOptions = {};
  if (input?.productionEnvironments) options.productionEnvironments = input.productionEnvironments;
  if (input?.shipSignal) options.shipSignal = input.shipSignal;
  if (input?.blockedLabel) options.blockedLabel = input.blockedLabel;
  if (input?.blockedStates) options.blockedStates = input.blockedStates;
  return options;
}
