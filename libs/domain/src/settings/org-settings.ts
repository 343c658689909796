/** One org setting: what it means, its default and the range an admin may set (contract §4 and §6). */
export interface SettingSpec {
  readonly description: string;
  readonly defaultValue: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The one definition of org settings: the GraphQL type and input, the repository and the alert rules
 * derive from it, and a test holds the database's defaults and checks to it.
 */
export const ORG_SETTINGS = {
  discoveryTarget: {
    description: 'Interviews per ISO week a team should hold',
    defaultValue: 1,
    min: 1,
    max: 100,
  },
  oneOnOneIntervalDays: {
    description: 'Days within which each direct report should have a 1:1',
    defaultValue: 14,
    min: 1,
    max: 365,
  },
  teamIdleHours: {
    description: 'TEAM_IDLE: hours blocked without a break',
    defaultValue: 48,
    min: 1,
    max: 8760,
  },
  teamStalledDays: {
    description: 'TEAM_STALLED: days without a ship or an interview',
    defaultValue: 14,
    min: 1,
    max: 365,
  },
  discoveryLapsedDays: {
    description: 'DISCOVERY_LAPSED: days without an interview',
    defaultValue: 7,
    min: 1,
    max: 365,
  },
  oneOnOneOverdueDays: {
    description: 'ONE_ON_ONE_OVERDUE: days without a 1:1',
    defaultValue: 14,
    min: 1,
    max: 365,
  },
  managerOverloadedReports: {
    description: 'MANAGER_OVERLOADED: direct reports above this',
    defaultValue: 12,
    min: 1,
    max: 1000,
  },
} as const satisfies Record<string, SettingSpec>;

export type OrgSettingName = keyof typeof ORG_SETTINGS;
export type OrgSettings = Record<OrgSettingName, number>;

export const ORG_SETTING_NAMES = Object.keys(ORG_SETTINGS) as OrgSettingName[];

export const DEFAULT_ORG_SETTINGS: OrgSettings = Object.fromEntries(
  ORG_SETTING_NAMES.map((name) => [name, ORG_SETTINGS[name].defaultValue]),
) as OrgSettings;

/** What is wrong with a change an admin asked for, one message per setting; empty when none. */
export function settingsChangeProblems(changes: Partial<Record<string, unknown>>): string[] {
  return Object.entries(changes).flatMap(([name, value]) => {
    if (value === undefined || value === null) return [];
    const spec = (ORG_SETTINGS as Record<string, SettingSpec | undefined>)[name];
    if (!spec) return [`${name} is not a setting`];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max)
      return [`${name} must be an integer between ${spec.min} and ${spec.max}`];
    return [];
  });
}
