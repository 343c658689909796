import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts are listed by org, latest raised first. The old (org_id, status, raised_at) index also matched the
 * alerter's lookup of an open alert by its rule and subject on two equalities: without statistics (a table
 * grown from empty before its first ANALYZE) PostgreSQL chose it over the unique index of open alerts and
 * read every open alert of the org per subject judged (about 6 ms a round at 1,000 open alerts, growing
 * with them). This one matches that lookup on the org alone, which the unique index beats. The open alerts
 * alone are listed from it or from the unique index of open alerts (every open one of the org, then the
 * latest), whichever the planner finds cheaper; a partial index of open alerts by org would tie with the
 * unique one again.
 */
export class AlertsByOrgRaised1765400000000 implements MigrationInterface {
  name = 'AlertsByOrgRaised1765400000000';

  async up(db: QueryRunner): Promise<void> {
    // status included: counts by status read the index alone
    await db.query(`CREATE INDEX alerts_org_raised ON alerts (org_id, raised_at, id) INCLUDE (status)`);
    await db.query(`DROP INDEX alerts_org_status`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX alerts_org_status ON alerts (org_id, status, raised_at)`);
    await db.query(`DROP INDEX alerts_org_raised`);
  }
}
