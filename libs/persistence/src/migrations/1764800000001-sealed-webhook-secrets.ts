import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook signing secrets are sealed at rest like integration secrets (AES-256-GCM under
 * ORGPULSE_SECRETS_KEY, bound to the webhook's id). A migration has no key: the rows still in clear
 * are sealed by the first API or alerter that starts with one (WebhooksRepository.sealClearSecrets),
 * and `secret` is kept only until then.
 */
export class SealedWebhookSecrets1764800000001 implements MigrationInterface {
  name = 'SealedWebhookSecrets1764800000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE webhooks
        ADD COLUMN secret_sealed text,
        ALTER COLUMN secret DROP NOT NULL,
        ADD CONSTRAINT webhooks_secret_kept CHECK (secret IS NOT NULL OR secret_sealed IS NOT NULL)`);
    await db.query(`CREATE INDEX webhooks_secret_in_clear ON webhooks (id) WHERE secret IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    // the sealed secrets cannot be opened here: their webhooks lose them
    await db.query(`DROP INDEX webhooks_secret_in_clear`);
    await db.query(`UPDATE webhooks SET secret = '' WHERE secret IS NULL`);
    await db.query(`
      ALTER TABLE webhooks
        DROP CONSTRAINT webhooks_secret_kept,
        DROP COLUMN secret_sealed,
        ALTER COLUMN secret SET NOT NULL`);
  }
}
