import {
  ALERT_BACKFILL_POLICY,
  ALERT_LIVE_BATCH_MS,
  type AnyReadModel,
  type HeadChange,
  type ManagerHead,
  type PersonHead,
  type PlanHead,
  type RatingHead,
  type TeamHead,
  alertMarksOf,
  coachingPlanReadModel,
  managerReadModel,
  personReadModel,
  ratingReadModel,
  teamReadModel,
} from '@orgpulse/domain';
import type { Queryable } from '../database/typed-sql';
import type { ProjectedSubject, ProjectionObserver } from '../projections/projection-engine';

function headChangeOf(model: AnyReadModel, subject: ProjectedSubject): HeadChange | undefined {
  const since = subject.earliestAt;
  switch (model.name) {
    case teamReadModel.name: {
      const [before, after] = [subject.before as TeamHead | undefined, subject.after as TeamHead];
      return { kind: 'team', before, after, since };
    }
    case personReadModel.name: {
      const [before, after] = [subject.before as PersonHead | undefined, subject.after as PersonHead];
      return { kind: 'person', before, after, since };
    }
    case managerReadModel.name: {
      const [before, after] = [subject.before as ManagerHead | undefined, subject.after as ManagerHead];
      return { kind: 'manager', before, after, since };
    }
    case coachingPlanReadModel.name: {
      const [before, after] = [subject.before as PlanHead | undefined, subject.after as PlanHead];
      return { kind: 'plan', before, after, since };
    }
    case ratingReadModel.name: {
      const [before, after] = [subject.before as RatingHead | undefined, subject.after as RatingHead];
      return { kind: 'rating', before, after, since };
    }
    default:
      return undefined;
  }
}

/**
 * Records, in the projection's own transaction, which rules and subjects its events changed, for the
 * alerter to judge (contract §12: a round's cost follows what changed). One statement per read model of a
 * batch, called before its heads are written: `before` is the stored head (late re-folds included), and
 * a person with none gets the manager stored for them looked up, should one be there.
 *
 * A change made only by old events (a backfill) is marked bulk, to be judged once the subject has been
 * quiet for the settle time; a live change is due `liveBatchMs` after the first one not yet judged
 * (ALERT_LIVE_BATCH_MS), and a pending live change stays live.
 */
export async function markAlertSubjects(
  tx: Queryable,
  model: AnyReadModel,
  subjects: readonly ProjectedSubject[],
  liveBatchMs = ALERT_LIVE_BATCH_MS,
): Promise<void> {
  const marks: { orgId: string; rule: string; subjectId: string; occurredAt: string }[] = [];
  const storedManagers: { orgId: string; personId: string; occurredAt: string }[] = [];
  for (const subject of subjects) {
    const change = headChangeOf(model, subject);
    if (!change) continue;
    const { orgId } = subject;
    const occurredAt = new Date(subject.latestAt).toISOString();
    const found = alertMarksOf(change);
    for (const mark of found.marks) marks.push({ orgId, ...mark, occurredAt });
    if (found.storedManagerOf !== null)
      storedManagers.push({ orgId, personId: found.storedManagerOf, occurredAt });
  }
  if (marks.length === 0 && storedManagers.length === 0) return;
  const { oldAfterMs, settleMs, maxDelayMs, remarkStepMs } = ALERT_BACKFILL_POLICY;
  // A mark that would change nothing, or move a pending bulk change by less than a step, writes no row
  // version. A rule and subject being judged has no pending change (its claim took it), so its mark writes.
  await tx.query(
    `INSERT INTO alert_watch AS w (org_id, rule, subject_id, change_at, change_bulk, change_first_at)
     SELECT org_id, rule, subject_id,
            now() + CASE WHEN bulk THEN $8::float8 ELSE $12::float8 END * interval '1 ms',
            bulk, now()
       FROM (SELECT org_id, rule, subject_id, max(occurred_at) < now() - $9::float8 * interval '1 ms' AS bulk
               FROM (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
                               AS m(org_id, rule, subject_id, occurred_at)
                     UNION ALL
                     SELECT s.org_id, 'MANAGER_OVERLOADED', p.manager_id, s.occurred_at
                       FROM unnest($5::uuid[], $6::text[], $7::timestamptz[]) AS s(org_id, person_id, occurred_at)
                      CROSS JOIN LATERAL (
                        SELECT p.manager_id FROM person_head p
                         WHERE p.org_id = s.org_id AND p.subject_id = s.person_id LIMIT 1) p
                      WHERE p.manager_id IS NOT NULL) m
              GROUP BY org_id, rule, subject_id) m
      ORDER BY org_id, rule, subject_id
     ON CONFLICT (org_id, rule, subject_id) DO UPDATE SET
       change_bulk = EXCLUDED.change_bulk AND (w.change_at IS NULL OR w.change_bulk),
       change_first_at = CASE WHEN w.change_at IS NULL THEN now() ELSE w.change_first_at END,
       change_at = CASE
         WHEN NOT EXCLUDED.change_bulk THEN least(w.change_at, now() + $12::float8 * interval '1 ms')
         WHEN w.change_at IS NOT NULL AND NOT w.change_bulk THEN w.change_at
         ELSE least(now() + $8::float8 * interval '1 ms',
                    coalesce(CASE WHEN w.change_at IS NOT NULL THEN w.change_first_at END, now())
                      + $10::float8 * interval '1 ms')
       END
     WHERE w.change_at IS NULL
        OR (w.change_bulk AND NOT EXCLUDED.change_bulk)
        OR (w.change_bulk AND least(now() + $8::float8 * interval '1 ms',
                                    w.change_first_at + $10::float8 * interval '1 ms')
                              >= w.change_at + $11::float8 * interval '1 ms')`,
    [
      marks.map((m) => m.orgId),
      marks.map((m) => m.rule),
      marks.map((m) => m.subjectId),
      marks.map((m) => m.occurredAt),
      storedManagers.map((m) => m.orgId),
      storedManagers.map((m) => m.personId),
      storedManagers.map((m) => m.occurredAt),
      settleMs,
      oldAfterMs,
      maxDelayMs,
      remarkStepMs,
      liveBatchMs,
    ],
  );
}

/**
 * The projector's observer: marks what alerting must judge again, per read model before its heads are
 * written, live changes due `liveBatchMs` after the first one not yet judged.
 */
export const alertMarkingAfter = (liveBatchMs: number): ProjectionObserver => ({
  projected: (tx, model, subjects) => markAlertSubjects(tx, model, subjects, liveBatchMs),
});

/** The projector's marks: live changes judged together within ALERT_LIVE_BATCH_MS. */
export const alertMarking: ProjectionObserver = alertMarkingAfter(ALERT_LIVE_BATCH_MS);
