import { teamAlertRules } from '@orgpulse/domain';
import { type Queryable, col, rowShape, selectOne, selectRow, selectRows } from '../database/typed-sql';

const SWEPT_ORG = rowShape('org swept after a rebuild', { org_id: col.text() });
const SWEEP = rowShape('alert sweep', {
  org_id: col.text(),
  stage: col.int(),
  after_rule: col.nullable(col.text()),
  after_subject: col.nullable(col.text()),
});
const SWEEP_PAGE = rowShape('sweep page marked', {
  n: col.int(),
  last_rule: col.nullable(col.text()),
  last_key: col.nullable(col.text()),
});

/** Asks for the org to be swept (again from its start): a statement or a CTE with the org id as $1. */
export const REQUEST_SWEEP = `
  INSERT INTO alert_sweeps (org_id) VALUES ($1)
  ON CONFLICT (org_id) DO UPDATE SET requested_at = now(), stage = 0, after_rule = NULL, after_subject = NULL`;

/** A sweep's mark: due at once in the bulk lane; a change already pending keeps its time and lane. */
const MARK = (select: string) => `
  INSERT INTO alert_watch AS w (org_id, rule, subject_id, change_at, change_bulk, change_first_at)
  SELECT org_id, rule, subject_id, now(), true, now() FROM (${select}) m ORDER BY org_id, rule, subject_id
  ON CONFLICT (org_id, rule, subject_id) DO UPDATE SET
    change_bulk = CASE WHEN w.change_at IS NULL THEN true ELSE w.change_bulk END,
    change_first_at = CASE WHEN w.change_at IS NULL THEN now() ELSE w.change_first_at END,
    change_at = coalesce(w.change_at, now())`;

/**
 * Each stage pages through what to mark, in index order after the cursor ($2), $3 at a time; a stage
 * `byRule` has a cursor of two parts ($4, $2).
 */
const STAGES: readonly { page: string; mark: string; byRule?: true }[] = [
  {
    // teams: their three rules
    page: `SELECT NULL::text AS rule, subject_id AS key FROM team_head WHERE org_id = $1 AND subject_id > coalesce($2, '')
            ORDER BY subject_id LIMIT $3`,
    mark: `SELECT $1::uuid AS org_id, r.rule, p.key AS subject_id FROM page p
             CROSS JOIN unnest('{${teamAlertRules.join(',')}}'::text[]) AS r(rule)`,
  },
  {
    page: `SELECT NULL::text AS rule, subject_id AS key FROM person_head WHERE org_id = $1 AND subject_id > coalesce($2, '')
            ORDER BY subject_id LIMIT $3`,
    mark: `SELECT $1::uuid AS org_id, 'ONE_ON_ONE_OVERDUE' AS rule, key AS subject_id FROM page`,
  },
  {
    // managers: whoever someone reports to now (person_head's manager index)
    page: `SELECT DISTINCT NULL::text AS rule, manager_id AS key FROM person_head
            WHERE org_id = $1 AND manager_id > coalesce($2, '') ORDER BY 2 LIMIT $3`,
    mark: `SELECT $1::uuid AS org_id, 'MANAGER_OVERLOADED' AS rule, key AS subject_id FROM page`,
  },
  {
    // people with a plan (one whose plan is gone has nothing to raise; an open alert of theirs is next)
    page: `SELECT NULL::text AS rule, subject_id AS key FROM coaching_plan_head
            WHERE org_id = $1 AND subject_id > coalesce($2, '') AND plan_set_at IS NOT NULL
            ORDER BY subject_id LIMIT $3`,
    mark: `SELECT $1::uuid AS org_id, 'COACHING_STALLED' AS rule, key AS subject_id FROM page`,
  },
  {
    // open alerts, whatever their subject has become (a manager with no reports left, say)
    byRule: true,
    page: `SELECT rule, subject_id AS key FROM alerts
            WHERE org_id = $1 AND status = 'OPEN' AND (rule, subject_id) > (coalesce($4, ''), coalesce($2, ''))
            ORDER BY rule, subject_id LIMIT $3`,
    mark: `SELECT $1::uuid AS org_id, rule, key AS subject_id FROM page`,
  },
];

/**
 * Orgs to re-judge whole: after their alert settings change, or after the read models were rebuilt.
 * A sweep marks an org's rules and subjects for judging a page at a time (one page per step, claimed
 * with FOR UPDATE SKIP LOCKED), in the bulk lane: live work never waits behind a large org's sweep.
 */
export class AlertSweeps {
  constructor(private readonly tx: Queryable) {}

  /** Once per rebuild of the read models (projection_generation moves): every org is swept. */
  async afterRebuild(): Promise<number> {
    const rows = await selectRows(
      this.tx,
      SWEPT_ORG,
      `WITH moved AS (
         UPDATE alert_sweep_generation s SET generation = p.generation FROM projection_generation p
          WHERE s.generation <> p.generation RETURNING 1)
       INSERT INTO alert_sweeps (org_id) SELECT id FROM organizations WHERE EXISTS (SELECT 1 FROM moved)
       ON CONFLICT (org_id) DO UPDATE SET requested_at = now(), stage = 0, after_rule = NULL, after_subject = NULL
       RETURNING org_id`,
    );
    return rows.length;
  }

  /** Marks one page of one sweep; false when no sweep is waiting (or all are being stepped by others). */
  async step(pageSize: number): Promise<boolean> {
    const sweep = await selectRow(
      this.tx,
      SWEEP,
      `SELECT org_id, stage, after_rule, after_subject FROM alert_sweeps
          ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    if (!sweep) return false;
    const stage = STAGES[sweep.stage];
    const page = stage
      ? await selectOne(
          this.tx,
          SWEEP_PAGE,
          `WITH page AS (${stage.page}), marked AS (${MARK(stage.mark)})
           SELECT count(*)::int AS n, (array_agg(rule ORDER BY rule DESC, key DESC))[1] AS last_rule,
                  (array_agg(key ORDER BY rule DESC, key DESC))[1] AS last_key
             FROM page`,
          [sweep.org_id, sweep.after_subject, pageSize, ...(stage.byRule ? [sweep.after_rule] : [])],
        )
      : { n: 0, last_rule: null, last_key: null };
    if (page.n >= pageSize)
      await this.tx.query(`UPDATE alert_sweeps SET after_rule = $2, after_subject = $3 WHERE org_id = $1`, [
        sweep.org_id,
        page.last_rule,
        page.last_key,
      ]);
    else if (sweep.stage + 1 < STAGES.length)
      await this.tx.query(
        `UPDATE alert_sweeps SET stage = $2, after_rule = NULL, after_subject = NULL WHERE org_id = $1`,
        [sweep.org_id, sweep.stage + 1],
      );
    else await this.tx.query(`DELETE FROM alert_sweeps WHERE org_id = $1`, [sweep.org_id]);
    return true;
  }
}
