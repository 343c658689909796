import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Integrations1764500000000 implements MigrationInterface {
  name = 'Integrations1764500000000';

  async up(db: QueryRunner): Promise<void> {
    // secret_sealed: AES-256-GCM under ORGPULSE_SECRETS_KEY, bound to the row's id; it must be read
    // back to verify vendors' signatures, so it cannot be a hash.
    await db.query(`
      CREATE TABLE integrations (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations (id),
        kind text NOT NULL CHECK (kind IN ('GITHUB', 'JIRA', 'SLACK', 'LINEAR')),
        name text NOT NULL,
        secret_sealed text NOT NULL,
        team_mappings jsonb NOT NULL,
        options jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await db.query(`CREATE INDEX integrations_of_org ON integrations (org_id) WHERE deleted_at IS NULL`);
    // Kept bounded: each insert drops what is past the last N of its integration.
    await db.query(`
      CREATE TABLE integration_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        integration_id uuid NOT NULL REFERENCES integrations (id),
        received_at timestamptz NOT NULL DEFAULT now(),
        vendor_delivery_id text,
        outcome text NOT NULL CHECK (outcome IN ('ACCEPTED', 'IGNORED', 'REJECTED')),
        reason text,
        event_ids text[] NOT NULL DEFAULT '{}'
      )`);
    await db.query(
      `CREATE INDEX integration_deliveries_latest ON integration_deliveries (integration_id, id DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE integration_deliveries`);
    await db.query(`DROP TABLE integrations`);
  }
}
