import { randomUUID } from 'node:crypto';
import type { SecretBox } from '@orgpulse/platform';
import type { EntityManager } from 'typeorm';
import { ORG_ADVISORY_LOCKS, ORG_XACT_LOCK_SQL } from '../database/advisory-locks';
import { type RowOf, col, rowShape, selectOne, selectRow, selectRows } from '../database/typed-sql';

export const integrationKinds = ['GITHUB', 'JIRA', 'SLACK', 'LINEAR'] as const;
export type IntegrationKind = (typeof integrationKinds)[number];
export type DeliveryOutcome = 'ACCEPTED' | 'IGNORED' | 'REJECTED';

export interface TeamMapping {
  match: string;
  teamId: string;
}

export interface IntegrationOptions {
  productionEnvironments?: string[];
  shipSignal?: 'DEPLOYMENT' | 'RELEASE';
  blockedLabel?: string;
  blockedStates?: string[];
}

export interface IntegrationRow {
  id: string;
  orgId: string;
  kind: IntegrationKind;
  name: string;
  teamMappings: TeamMapping[];
  options: IntegrationOptions;
  createdAt: Date;
}

/** An integration with its secret opened: only the receiver that verifies signatures reads this. */
export interface VerifiableIntegration extends IntegrationRow {
  secret: string;
}

export interface NewIntegration {
  kind: IntegrationKind;
  name: string;
  secret: string;
  teamMappings: TeamMapping[];
  options: IntegrationOptions;
}

export interface IntegrationDeliveryRow {
  receivedAt: Date;
  vendorDeliveryId: string | null;
  outcome: DeliveryOutcome;
  reason: string | null;
  eventIds: string[];
}

export interface NewDelivery {
  vendorDeliveryId?: string;
  outcome: DeliveryOutcome;
  reason?: string;
  eventIds: readonly string[];
}

/** Deliveries kept per integration: the newest, for an admin to see what a vendor sent lately. */
export const KEPT_DELIVERIES_PER_INTEGRATION = 200;

const COLUMNS = `id, org_id AS "orgId", kind, name, team_mappings AS "teamMappings", options, created_at AS "createdAt"`;
const INTEGRATION_COLUMNS = {
  id: col.text(),
  orgId: col.text(),
  kind: col.text(),
  name: col.text(),
  teamMappings: col.json(),
  options: col.json(),
  createdAt: col.date(),
};
const INTEGRATION_ROW = rowShape('integration', INTEGRATION_COLUMNS);
const SEALED_INTEGRATION_ROW = rowShape('integration with its sealed secret', {
  ...INTEGRATION_COLUMNS,
  sealed: col.text(),
});
const DELETED_COUNT_ROW = rowShape('deleted integrations count', { n: col.int() });
const DELIVERY_ROW = rowShape('integration delivery', {
  receivedAt: col.date(),
  vendorDeliveryId: col.nullable(col.text()),
  outcome: col.text(),
  reason: col.nullable(col.text()),
  eventIds: col.array(col.text()),
});

const toIntegration = (row: RowOf<typeof INTEGRATION_ROW>): IntegrationRow => ({
  ...row,
  kind: row.kind as IntegrationKind,
  teamMappings: row.teamMappings as TeamMapping[],
  options: row.options as IntegrationOptions,
});

/** Integrations an admin creates for vendors' webhooks; their secrets are sealed at rest, never listed. */
export class IntegrationsRepository {
  constructor(
    private readonly db: Pick<EntityManager, 'query' | 'transaction'>,
    private readonly box: SecretBox,
  ) {}

  /** Creates it unless the org already has `limit` integrations: then undefined. */
  async create(orgId: string, input: NewIntegration, limit: number): Promise<IntegrationRow | undefined> {
    const id = randomUUID();
    return this.db.transaction(async (tx) => {
      await tx.query(ORG_XACT_LOCK_SQL, [ORG_ADVISORY_LOCKS.integrations, orgId]);
      const row = await selectRow(
        tx,
        INTEGRATION_ROW,
        `INSERT INTO integrations (id, org_id, kind, name, secret_sealed, team_mappings, options)
         SELECT $1, $2, $3, $4, $5, $6, $7
          WHERE (SELECT count(*) FROM integrations WHERE org_id = $2 AND deleted_at IS NULL) < $8
         RETURNING ${COLUMNS}`,
        [
          id,
          orgId,
          input.kind,
          input.name,
          this.box.seal(input.secret, id),
          JSON.stringify(input.teamMappings),
          JSON.stringify(input.options),
          limit,
        ],
      );
      return row && toIntegration(row);
    });
  }

  async list(orgId: string): Promise<IntegrationRow[]> {
    const rows = await selectRows(
      this.db,
      INTEGRATION_ROW,
      `SELECT ${COLUMNS} FROM integrations WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
      [orgId],
    );
    return rows.map(toIntegration);
  }

  async find(orgId: string, id: string): Promise<IntegrationRow | undefined> {
    const row = await selectRow(
      this.db,
      INTEGRATION_ROW,
      `SELECT ${COLUMNS} FROM integrations WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [orgId, id],
    );
    return row && toIntegration(row);
  }

  /** The live integration behind a receiver path, with its secret opened; undefined if unknown or deleted. */
  async verifiable(id: string): Promise<VerifiableIntegration | undefined> {
    const found = await selectRow(
      this.db,
      SEALED_INTEGRATION_ROW,
      `SELECT ${COLUMNS}, secret_sealed AS sealed FROM integrations WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    if (found === undefined) return undefined;
    const { sealed, ...row } = found;
    return { ...toIntegration(row), secret: this.box.open(sealed, row.id) };
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    // a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count]
    const { n } = await selectOne(
      this.db,
      DELETED_COUNT_ROW,
      `WITH d AS (UPDATE integrations SET deleted_at = now()
                   WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id)
       SELECT count(*)::int AS n FROM d`,
      [orgId, id],
    );
    return n > 0;
  }

  /** Records a verified delivery, and drops what is past the newest KEPT_DELIVERIES_PER_INTEGRATION. */
  async recordDelivery(integrationId: string, delivery: NewDelivery): Promise<void> {
    await this.db.query(
      `WITH added AS (
         INSERT INTO integration_deliveries (integration_id, vendor_delivery_id, outcome, reason, event_ids)
         VALUES ($1, $2, $3, $4, $5) RETURNING id
       )
       DELETE FROM integration_deliveries
        WHERE integration_id = $1
          AND id <= (SELECT id FROM integration_deliveries WHERE integration_id = $1
                      ORDER BY id DESC OFFSET $6 - 1 LIMIT 1)`,
      [
        integrationId,
        delivery.vendorDeliveryId ?? null,
        delivery.outcome,
        delivery.reason ?? null,
        delivery.eventIds,
        KEPT_DELIVERIES_PER_INTEGRATION,
      ],
    );
  }

  async deliveries(orgId: string, integrationId: string, last: number): Promise<IntegrationDeliveryRow[]> {
    const rows = await selectRows(
      this.db,
      DELIVERY_ROW,
      `SELECT d.received_at AS "receivedAt", d.vendor_delivery_id AS "vendorDeliveryId", d.outcome, d.reason,
              d.event_ids AS "eventIds"
         FROM integration_deliveries d JOIN integrations i ON i.id = d.integration_id
        WHERE i.org_id = $1 AND d.integration_id = $2 ORDER BY d.id DESC LIMIT $3`,
      [orgId, integrationId, last],
    );
    return rows.map((row) => ({ ...row, outcome: row.outcome as DeliveryOutcome }));
  }
}
