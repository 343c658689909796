import {
  DEFAULT_ORG_SETTINGS,
  ORG_SETTINGS,
  ORG_SETTING_NAMES,
  type OrgSettingName,
  type OrgSettings,
} from '@orgpulse/domain';
import { REQUEST_SWEEP } from '../alerting/alert-sweeps';
import { NOTIFY_CHANNELS } from '../database/notify-channels';
import { type Queryable, col, rowShape, selectOne, selectRow, selectRows } from '../database/typed-sql';

export { DEFAULT_ORG_SETTINGS, type OrgSettings };

/** The org_settings column of a setting: its name in snake case (a test holds the table to the definition). */
export const settingColumn = (name: OrgSettingName): string =>
  name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// numeric comes back from pg as text; amounts are read as float8 so they arrive as numbers.
const selected = (name: OrgSettingName) =>
  ORG_SETTINGS[name].kind === 'amount' ? `${settingColumn(name)}::float8` : settingColumn(name);
const SELECT = ORG_SETTING_NAMES.map((name) => `${selected(name)} AS "${name}"`).join(', ');

// each setting's column as SELECT reads it: integers int4, amounts float8 (unset: null), currencies text
const SETTING_COLUMN = {
  integer: () => col.int(),
  amount: () => col.nullable(col.float()),
  currency: () => col.text(),
} as const;
type SettingColumns = {
  [K in OrgSettingName]: ReturnType<(typeof SETTING_COLUMN)[(typeof ORG_SETTINGS)[K]['kind']]>;
};
const SETTING_COLUMNS = Object.fromEntries(
  ORG_SETTING_NAMES.map((name) => [name, SETTING_COLUMN[ORG_SETTINGS[name].kind]()]),
) as SettingColumns;
const SETTINGS_ROW = rowShape('org settings', SETTING_COLUMNS);
const ORG_SETTINGS_ROW = rowShape('org settings of an org', { orgId: col.text(), ...SETTING_COLUMNS });

// a change of these re-judges the org's alerts (its due times move)
const ALERT_THRESHOLDS: readonly OrgSettingName[] = [
  'teamIdleHours',
  'teamStalledDays',
  'discoveryLapsedDays',
  'oneOnOneOverdueDays',
  'managerOverloadedReports',
  'coachingStallDays',
];

/** Per-org settings (contract §4 and §6); the defaults apply until an admin changes them. */
export class OrgSettingsRepository {
  constructor(private readonly db: Queryable) {}

  async get(orgId: string): Promise<OrgSettings> {
    const row = await selectRow(
      this.db,
      SETTINGS_ROW,
      `SELECT ${SELECT} FROM org_settings WHERE org_id = $1`,
      [orgId],
    );
    return row ?? DEFAULT_ORG_SETTINGS;
  }

  /** Each org's settings (the defaults for an org that changed none), in one statement. */
  async getMany(orgIds: readonly string[]): Promise<Map<string, OrgSettings>> {
    const unique = [...new Set(orgIds)];
    const rows =
      unique.length === 0
        ? []
        : await selectRows(
            this.db,
            ORG_SETTINGS_ROW,
            `SELECT org_id AS "orgId", ${SELECT} FROM org_settings WHERE org_id = ANY($1::uuid[])`,
            [unique],
          );
    const found = new Map(rows.map(({ orgId, ...settings }) => [orgId, settings]));
    return new Map(unique.map((id) => [id, found.get(id) ?? DEFAULT_ORG_SETTINGS]));
  }

  /**
   * Stores the changes; a change of an alert threshold also asks the alerter to sweep the org. Every API
   * instance hears of it (NOTIFY at commit): what they answer from the settings is stale from then on.
   */
  async update(orgId: string, changes: Partial<OrgSettings>): Promise<OrgSettings> {
    const fields = ORG_SETTING_NAMES.filter((f) => changes[f] !== undefined);
    const values = fields.map((f) => changes[f]);
    const assignments = fields.map((f, i) => `${settingColumn(f)} = $${i + 2}`);
    const sweep = fields.some((f) => ALERT_THRESHOLDS.includes(f)) ? `, sweep AS (${REQUEST_SWEEP})` : '';
    return selectOne(
      this.db,
      SETTINGS_ROW,
      `WITH stored AS (
         INSERT INTO org_settings (org_id${fields.map((f) => `, ${settingColumn(f)}`).join('')})
         VALUES ($1${fields.map((_, i) => `, $${i + 2}`).join('')})
         ON CONFLICT (org_id) DO UPDATE SET ${[...assignments, 'updated_at = now()'].join(', ')}
         RETURNING *)${sweep}
       SELECT ${SELECT} FROM stored, (SELECT pg_notify($${fields.length + 2}, $1::text)) AS notified`,
      [orgId, ...values, NOTIFY_CHANNELS.settings],
    );
  }
}
