import {
  DEFAULT_ORG_SETTINGS,
  ORG_SETTINGS,
  ORG_SETTING_NAMES,
  type OrgSettingName,
  type OrgSettings,
} from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';
import { REQUEST_SWEEP } from '../alerting/alert-sweeps';

export { DEFAULT_ORG_SETTINGS, type OrgSettings };

/** The org_settings column of a setting: its name in snake case (a test holds the table to the definition). */
export const settingColumn = (name: OrgSettingName): string =>
  name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// numeric comes back from pg as text; amounts are read as float8 so they arrive as numbers.
const selected = (name: OrgSettingName) =>
  ORG_SETTINGS[name].kind === 'amount' ? `${settingColumn(name)}::float8` : settingColumn(name);
const SELECT = ORG_SETTING_NAMES.map((name) => `${selected(name)} AS "${name}"`).join(', ');
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
  constructor(private readonly db: Pick<EntityManager, 'query'>) {}

  async get(orgId: string): Promise<OrgSettings> {
    const rows: OrgSettings[] = await this.db.query(`SELECT ${SELECT} FROM org_settings WHERE org_id = $1`, [
      orgId,
    ]);
    return rows[0] ?? DEFAULT_ORG_SETTINGS;
  }

  /** Each org's settings (the defaults for an org that changed none), in one statement. */
  async getMany(orgIds: readonly string[]): Promise<Map<string, OrgSettings>> {
    const unique = [...new Set(orgIds)];
    const rows: (OrgSettings & { orgId: string })[] =
      unique.length === 0
        ? []
        : await this.db.query(
            `SELECT org_id AS "orgId", ${SELECT} FROM org_settings WHERE org_id = ANY($1::uuid[])`,
            [unique],
          );
    const found = new Map(rows.map(({ orgId, ...settings }) => [orgId, settings]));
    return new Map(unique.map((id) => [id, found.get(id) ?? DEFAULT_ORG_SETTINGS]));
  }

  /** Stores the changes; a change of an alert threshold also asks the alerter to sweep the org. */
  async update(orgId: string, changes: Partial<OrgSettings>): Promise<OrgSettings> {
    const fields = ORG_SETTING_NAMES.filter((f) => changes[f] !== undefined);
    const values = fields.map((f) => changes[f]);
    const assignments = fields.map((f, i) => `${settingColumn(f)} = $${i + 2}`);
    const sweep = fields.some((f) => ALERT_THRESHOLDS.includes(f)) ? `, sweep AS (${REQUEST_SWEEP})` : '';
    const rows: OrgSettings[] = await this.db.query(
      `WITH stored AS (
         INSERT INTO org_settings (org_id${fields.map((f) => `, ${settingColumn(f)}`).join('')})
         VALUES ($1${fields.map((_, i) => `, $${i + 2}`).join('')})
         ON CONFLICT (org_id) DO UPDATE SET ${[...assignments, 'updated_at = now()'].join(', ')}
         RETURNING *)${sweep}
       SELECT ${SELECT} FROM stored`,
      [orgId, ...values],
    );
    return rows[0];
  }
}
