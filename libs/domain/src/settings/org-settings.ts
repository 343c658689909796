/** An integer setting: what it means, its default and the range an admin may set (contract §4 and §6). */
export interface IntegerSetting {
  readonly kind: 'integer';
  readonly description: string;
  readonly defaultValue: number;
  readonly min: number;
  readonly max: number;
}

/** A non-negative amount that may be unset (null), e.g. a price (§8). */
export interface AmountSetting {
  readonly kind: 'amount';
  readonly description: string;
  readonly defaultValue: null;
  readonly min: 0;
  readonly max: number;
}

/** An ISO 4217 currency code (§8). */
export interface CurrencySetting {
  readonly kind: 'currency';
  readonly description: string;
  readonly defaultValue: string;
}

export type SettingSpec = IntegerSetting | AmountSetting | CurrencySetting;

const integer = (spec: Omit<IntegerSetting, 'kind'>): IntegerSetting => ({ kind: 'integer', ...spec });

/**
 * The one definition of org settings: the GraphQL type and input, the repository and the alert rules
 * derive from it, and a test holds the database's defaults and checks to it.
 */
export const ORG_SETTINGS = {
  discoveryTarget: integer({
    description: 'Interviews per ISO week a team should hold',
    defaultValue: 1,
    min: 1,
    max: 100,
  }),
  oneOnOneIntervalDays: integer({
    description: 'Days within which each direct report should have a 1:1',
    defaultValue: 14,
    min: 1,
    max: 365,
  }),
  teamIdleHours: integer({
    description: 'TEAM_IDLE: hours blocked without a break',
    defaultValue: 48,
    min: 1,
    max: 8760,
  }),
  teamStalledDays: integer({
    description: 'TEAM_STALLED: days without a ship or an interview',
    defaultValue: 14,
    min: 1,
    max: 365,
  }),
  discoveryLapsedDays: integer({
    description: 'DISCOVERY_LAPSED: days without an interview',
    defaultValue: 7,
    min: 1,
    max: 365,
  }),
  oneOnOneOverdueDays: integer({
    description: 'ONE_ON_ONE_OVERDUE: days without a 1:1',
    defaultValue: 14,
    min: 1,
    max: 365,
  }),
  managerOverloadedReports: integer({
    description: 'MANAGER_OVERLOADED: direct reports above this',
    defaultValue: 12,
    min: 1,
    max: 1000,
  }),
  coachingStallDays: integer({
    description: 'COACHING_STALLED: days without a rating of a plan competency',
    defaultValue: 28,
    min: 1,
    max: 365,
  }),
  idleCostPerPersonDay: {
    kind: 'amount',
    description: 'Cost of one idle person-day, in currency; idleCost is null while unset',
    defaultValue: null,
    min: 0,
    max: 1_000_000,
  },
  currency: {
    kind: 'currency',
    description: 'ISO 4217 code of idleCostPerPersonDay',
    defaultValue: 'USD',
  },
} as const satisfies Record<string, SettingSpec>;

export type OrgSettingName = keyof typeof ORG_SETTINGS;
type ValueOf<S extends SettingSpec> = S extends IntegerSetting
  ? number
  : S extends AmountSetting
    ? number | null
    : string;
export type OrgSettings = { [K in OrgSettingName]: ValueOf<(typeof ORG_SETTINGS)[K]> };

export const ORG_SETTING_NAMES = Object.keys(ORG_SETTINGS) as OrgSettingName[];

export const DEFAULT_ORG_SETTINGS: OrgSettings = Object.fromEntries(
  ORG_SETTING_NAMES.map((name) => [name, ORG_SETTINGS[name].defaultValue]),
) as OrgSettings;

/** The changes to store: amounts given as null are unset, other nulls leave the setting as it is. */
export function settingsChanges(input: Partial<Record<string, unknown>>): Partial<OrgSettings> {
  return Object.fromEntries(
    ORG_SETTING_NAMES.filter((name) => {
      const value = input[name];
      return value !== undefined && (value !== null || ORG_SETTINGS[name].kind === 'amount');
    }).map((name) => [name, input[name]]),
  );
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

function problemOf(name: string, spec: SettingSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max
        ? undefined
        : `${name} must be an integer between ${spec.min} and ${spec.max}`;
    case 'amount':
      return typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max
        ? undefined
        : `${name} must be a number between ${spec.min} and ${spec.max}, or null to unset it`;
    case 'currency':
      return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && CURRENCIES.has(value)
        ? undefined
        : `${name} must be an ISO 4217 currency code such as USD or EUR`;
  }
}

/**
 * What is wrong with a change an admin asked for, one message per setting; empty when none. Null unsets
 * an amount; for the other settings, as undefined, it leaves them as they are.
 */
export function settingsChangeProblems(changes: Partial<Record<string, unknown>>): string[] {
  return Object.entries(changes).flatMap(([name, value]) => {
    if (value === undefined) return [];
    const spec = (ORG_SETTINGS as Record<string, SettingSpec | undefined>)[name];
    if (!spec) return [`${name} is not a setting`];
    if (value === null) return [];
    const problem = problemOf(name, spec, value);
    return problem === undefined ? [] : [problem];
  });
}
