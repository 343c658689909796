import { type OneOnOne, buildPersonTimeline, buildTeamTimeline, foldTeams } from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';
import { EventStoreRepository, type StoredEvent } from '../event-store/event-store.repository';
import { TeamStatusRepository } from '../read-models/team-status.repository';
import { groupBy } from './group-by';

/** The read-model tables; a rebuild fills `<table>_rebuild` beside each and swaps them in. */
export const READ_MODEL_TABLES = [
  'team_status',
  'team_timeline',
  'person_timeline',
  'manager_one_on_ones',
] as const;

const afterPrefix = (subject: string, prefix: string) =>
  subject.startsWith(prefix) ? subject.slice(prefix.length) : undefined;

/**
 * Keeps every read model equal to the fold of its subjects' full histories. Re-folding a touched
 * subject from the store is what makes a late event count as if it had come in time.
 */
export class ReadModelsProjection {
  private readonly store = new EventStoreRepository();
  private readonly teamStatus: TeamStatusRepository;

  constructor(private readonly suffix: '' | '_rebuild' = '') {
    this.teamStatus = new TeamStatusRepository(`team_status${suffix}`);
  }

  /** Re-folds the subjects that the given new events touched. */
  async refresh(tx: EntityManager, appended: readonly StoredEvent[]): Promise<void> {
    const subjectsByOrg = new Map<string, Set<string>>();
    for (const { event, subject } of appended) {
      subjectsByOrg.set(event.orgId, (subjectsByOrg.get(event.orgId) ?? new Set<string>()).add(subject));
    }
    for (const [orgId, subjects] of subjectsByOrg) {
      await this.write(tx, orgId, await this.store.readSubjects(tx, orgId, [...subjects]));
    }
  }

  /** Writes the read models of whole subject histories of one org, in (subject, occurrence) order. */
  async write(tx: EntityManager, orgId: string, history: readonly StoredEvent[]): Promise<number> {
    const bySubject = groupBy(history, (e) => e.subject);
    const teams: { id: string; groupId: string | null; json: string }[] = [];
    const people: { id: string; json: string }[] = [];
    const managers: { id: string; json: string }[] = [];
    for (const [subject, events] of bySubject) {
      const ordered = events.map((e) => e.event);
      const teamId = afterPrefix(subject, 'team:');
      const personId = afterPrefix(subject, 'person:');
      const managerId = afterPrefix(subject, 'manager:');
      if (teamId !== undefined) {
        const timeline = buildTeamTimeline(teamId, ordered);
        teams.push({ id: teamId, groupId: timeline.groupId, json: JSON.stringify(timeline) });
      } else if (personId !== undefined) {
        people.push({ id: personId, json: JSON.stringify(buildPersonTimeline(personId, ordered)) });
      } else if (managerId !== undefined) {
        const held: OneOnOne[] = ordered.flatMap((e) =>
          e.type === 'one-on-one.held' ? [{ reportId: e.data.reportId, at: Date.parse(e.occurredAt) }] : [],
        );
        managers.push({ id: managerId, json: JSON.stringify(held) });
      }
    }
    await this.teamStatus.upsert(tx, orgId, foldTeams(history));
    await this.upsertJson(tx, `team_timeline${this.suffix}`, 'team_id', 'timeline', orgId, teams, true);
    await this.upsertJson(tx, `person_timeline${this.suffix}`, 'person_id', 'timeline', orgId, people);
    await this.upsertJson(
      tx,
      `manager_one_on_ones${this.suffix}`,
      'manager_id',
      'one_on_ones',
      orgId,
      managers,
    );
    return teams.length + people.length + managers.length;
  }

  private async upsertJson(
    tx: EntityManager,
    table: string,
    idColumn: string,
    jsonColumn: string,
    orgId: string,
    rows: { id: string; json: string; groupId?: string | null }[],
    withGroup = false,
  ): Promise<void> {
    if (rows.length === 0) return;
    const group = withGroup ? ', group_id' : '';
    await tx.query(
      `INSERT INTO ${table} (org_id, ${idColumn}, ${jsonColumn}${group}, updated_at)
       SELECT $1::uuid, id, doc${withGroup ? ', grp' : ''}, now()
         FROM unnest($2::text[], $3::jsonb[], $4::text[]) AS t(id, doc, grp)
       ON CONFLICT (org_id, ${idColumn}) DO UPDATE SET ${jsonColumn} = EXCLUDED.${jsonColumn}${
         withGroup ? ', group_id = EXCLUDED.group_id' : ''
       }, updated_at = now()`,
      [orgId, rows.map((r) => r.id), rows.map((r) => r.json), rows.map((r) => r.groupId ?? null)],
    );
  }
}
