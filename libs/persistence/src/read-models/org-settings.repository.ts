import type { EntityManager } from 'typeorm';

export interface OrgSettings {
  discoveryTarget: number;
  oneOnOneIntervalDays: number;
  teamIdleHours: number;
  teamStalledDays: number;
  discoveryLapsedDays: number;
  oneOnOneOverdueDays: number;
  managerOverloadedReports: number;
}

export const DEFAULT_ORG_SETTINGS: OrgSettings = {
  discoveryTarget: 1,
  oneOnOneIntervalDays: 14,
  teamIdleHours: 48,
  teamStalledDays: 14,
  discoveryLapsedDays: 7,
  oneOnOneOverdueDays: 14,
  managerOverloadedReports: 12,
};

const COLUMNS: Record<keyof OrgSettings, string> = {
  discoveryTarget: 'discovery_target',
  oneOnOneIntervalDays: 'one_on_one_interval_days',
  teamIdleHours: 'team_idle_hours',
  teamStalledDays: 'team_stalled_days',
  discoveryLapsedDays: 'discovery_lapsed_days',
  oneOnOneOverdueDays: 'one_on_one_overdue_days',
  managerOverloadedReports: 'manager_overloaded_reports',
};
const SELECT = Object.entries(COLUMNS)
  .map(([field, column]) => `${column} AS "${field}"`)
  .join(', ');

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
    const fields = (Object.keys(COLUMNS) as (keyof OrgSettings)[]).filter((f) => changes[f] !== undefined);
    const values = fields.map((f) => changes[f]);
    const assignments = fields.map((f, i) => `${COLUMNS[f]} = $${i + 2}`);
    const rows: OrgSettings[] = await this.db.query(
      `INSERT INTO org_settings (org_id${fields.map((f) => `, ${COLUMNS[f]}`).join('')})
       VALUES ($1${fields.map((_, i) => `, $${i + 2}`).join('')})
       ON CONFLICT (org_id) DO UPDATE SET ${[...assignments, 'updated_at = now()'].join(', ')}
       RETURNING ${SELECT}`,
      [orgId, ...values],
    );
    return rows[0];
  }
}
