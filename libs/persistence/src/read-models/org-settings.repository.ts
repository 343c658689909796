import {
  DEFAULT_ORG_SETTINGS,
  ORG_SETTINGS,
  ORG_SETTING_NAMES,
  type OrgSettingName,
  type OrgSettings,
} from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';

export { DEFAULT_ORG_SETTINGS, type OrgSettings };

/** The org_settings column of a setting: its name in snake case (a test holds the table to the definition). */
export const settingColumn = (name: OrgSettingName): string =>
  name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// numeric comes back from pg as text; amounts are read as float8 so they arrive as numbers.
const selected = (name: OrgSettingName) =>
  ORG_SETTINGS[name].kind === 'amount' ? `${settingColumn(name)}::float8` : settingColumn(name);
const SELECT = ORG_SETTING_NAMES.map((name) => `${selected(name)} AS "${name}"`).join(', ');

/** Per-org settings (contract §4 and §6); the defaults apply until an admin changes them. */
export class OrgSettingsRepository {
  constructor(private readonly db: Pick<EntityManager, 'query'>) {}

  async get(orgId: string): Promise<OrgSettings> {
    const rows: OrgSettings[] = await this.db.query(`SELECT ${SELECT} FROM org_settings WHERE org_id = $1`, [
      orgId,
    ]);
    return rows[0] ?? DEFAULT_ORG_SETTINGS;
  }

  async update(orgId: string, changes: Partial<OrgSettings>): Promise<OrgSettings> {
    const fields = ORG_SETTING_NAMES.filter((f) => changes[f] !== undefined);
    const values = fields.map((f) => changes[f]);
    const assignments = fields.map((f, i) => `${settingColumn(f)} = $${i + 2}`);
    const rows: OrgSettings[] = await this.db.query(
      `INSERT INTO org_settings (org_id${fields.map((f) => `, ${settingColumn(f)}`).join('')})
       VALUES ($1${fields.map((_, i) => `, $${i + 2}`).join('')})
       ON CONFLICT (org_id) DO UPDATE SET ${[...assignments, 'updated_at = now()'].join(', ')}
       RETURNING ${SELECT}`,
      [orgId, ...values],
    );
    return rows[0];
  }
}
