import {
  type OneOnOne,
  type PersonTimeline,
  type TeamState,
  type TeamTimeline,
  buildPersonTimeline,
  buildTeamTimeline,
  byOccurrence,
  continueTeamTimeline,
  emptyPersonTimeline,
  emptyTeamTimeline,
  evolvePersonTimeline,
  evolveTeam,
  foldTeams,
  initialTeamState,
} from '@orgpulse/domain';
import type { AcceptedEvent } from '@orgpulse/contracts';
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

const oneOnOnesOf = (ordered: readonly AcceptedEvent[]): OneOnOne[] =>
  ordered.flatMap((e) =>
    e.type === 'one-on-one.held' ? [{ reportId: e.data.reportId, at: Date.parse(e.occurredAt) }] : [],
  );

const inOccurrenceOrder = (a: StoredEvent, b: StoredEvent) =>
  byOccurrence(
    { occurredAt: a.event.occurredAt, position: a.position },
    { occurredAt: b.event.occurredAt, position: b.position },
  );

/**
 * Keeps every read model equal to the fold of its subjects' full histories: in-order events are
 * folded into the stored state; a late one re-folds its subject from the store, so it counts as if
 * it had come in time.
 */
export class ReadModelsProjection {
  private readonly store = new EventStoreRepository();
  private readonly teamStatus: TeamStatusRepository;

  constructor(private readonly suffix: '' | '_rebuild' = '') {
    this.teamStatus = new TeamStatusRepository(`team_status${suffix}`);
  }

  /**
   * Brings the read models of the subjects the new events touched up to date. A subject whose new
   * events all come after its history folds them into its stored read models; one that got a late
   * event (older than something already folded) is re-folded from its whole history in the store.
   */
  async refresh(tx: EntityManager, appended: readonly StoredEvent[]): Promise<void> {
    if (appended.length === 0) return;
    const firstPosition = Math.min(...appended.map((e) => e.position));
    for (const [orgId, events] of groupBy(appended, (e) => e.event.orgId)) {
      const bySubject = groupBy(events, (e) => e.subject);
      const histories = await this.historyOf(tx, orgId, [...bySubject.keys()], firstPosition);
      const refold: string[] = [];
      const continued = new Map<string, AcceptedEvent[]>();
      for (const [subject, subjectEvents] of bySubject) {
        const history = histories.get(subject);
        if (history?.late) refold.push(subject);
        else
          continued.set(
            subject,
            [...subjectEvents].sort(inOccurrenceOrder).map((e) => e.event),
          );
      }
      refold.push(...(await this.continueSubjects(tx, orgId, continued, histories)));
      if (refold.length > 0) await this.write(tx, orgId, await this.store.readSubjects(tx, orgId, refold));
    }
  }

  /** For each subject: has it events from before this batch, and does one of them occur after a new one? */
  private async historyOf(
    tx: EntityManager,
    orgId: string,
    subjects: readonly string[],
    firstNewPosition: number,
  ): Promise<Map<string, { stored: boolean; late: boolean }>> {
    const rows: { subject: string; stored: boolean; late: boolean }[] = await tx.query(
      `SELECT n.subject,
              EXISTS (SELECT 1 FROM event_store o
                       WHERE o.org_id = $1 AND o.subject = n.subject AND o.position < $3) AS stored,
              EXISTS (SELECT 1 FROM event_store o
                       WHERE o.org_id = $1 AND o.subject = n.subject AND o.position < $3
                         AND o.occurred_at > n.first_at) AS late
         FROM (SELECT subject, min(occurred_at) AS first_at FROM event_store
                WHERE org_id = $1 AND subject = ANY($2::text[]) AND position >= $3
                GROUP BY subject) n`,
      [orgId, subjects, firstNewPosition],
    );
    return new Map(rows.map((r) => [r.subject, { stored: r.stored, late: r.late }]));
  }

  /**
   * Folds in-order new events into the stored read models (or empty ones, for a subject's first
   * events). Returns the subjects whose stored read models were missing, to be re-folded instead.
   */
  private async continueSubjects(
    tx: EntityManager,
    orgId: string,
    continued: ReadonlyMap<string, AcceptedEvent[]>,
    histories: ReadonlyMap<string, { stored: boolean }>,
  ): Promise<string[]> {
    const ids = (prefix: string) =>
      [...continued.keys()].flatMap((subject) => {
        const id = afterPrefix(subject, prefix);
        return id !== undefined && histories.get(subject)?.stored ? [id] : [];
      });
    const teamIds = ids('team:');
    const [statuses, timelines, people, managers] = await Promise.all([
      this.teamStatus.load(tx, orgId, teamIds),
      this.loadJson<TeamTimeline>(tx, `team_timeline${this.suffix}`, 'team_id', 'timeline', orgId, teamIds),
      this.loadJson<PersonTimeline>(
        tx,
        `person_timeline${this.suffix}`,
        'person_id',
        'timeline',
        orgId,
        ids('person:'),
      ),
      this.loadJson<OneOnOne[]>(
        tx,
        `manager_one_on_ones${this.suffix}`,
        'manager_id',
        'one_on_ones',
        orgId,
        ids('manager:'),
      ),
    ]);
    const teamStates: TeamState[] = [];
    const teams: { id: string; groupId: string | null; json: string }[] = [];
    const persons: { id: string; json: string }[] = [];
    const held: { id: string; json: string }[] = [];
    const missing: string[] = [];
    for (const [subject, events] of continued) {
      const teamId = afterPrefix(subject, 'team:');
      const personId = afterPrefix(subject, 'person:');
      const managerId = afterPrefix(subject, 'manager:');
      const stored = histories.get(subject)?.stored ?? false;
      const hasRow =
        teamId !== undefined
          ? statuses.has(teamId) && timelines.has(teamId)
          : personId !== undefined
            ? people.has(personId)
            : managerId !== undefined && managers.has(managerId);
      if (stored && !hasRow) {
        missing.push(subject);
      } else if (teamId !== undefined) {
        teamStates.push(events.reduce(evolveTeam, statuses.get(teamId) ?? initialTeamState(teamId)));
        const timeline = continueTeamTimeline(timelines.get(teamId) ?? emptyTeamTimeline(teamId), events);
        teams.push({ id: teamId, groupId: timeline.groupId, json: JSON.stringify(timeline) });
      } else if (personId !== undefined) {
        const person = events.reduce(
          evolvePersonTimeline,
          people.get(personId) ?? emptyPersonTimeline(personId),
        );
        persons.push({ id: personId, json: JSON.stringify(person) });
      } else if (managerId !== undefined) {
        held.push({
          id: managerId,
          json: JSON.stringify([...(managers.get(managerId) ?? []), ...oneOnOnesOf(events)]),
        });
      }
    }
    await this.teamStatus.upsert(tx, orgId, teamStates);
    await this.upsertJson(tx, `team_timeline${this.suffix}`, 'team_id', 'timeline', orgId, teams, true);
    await this.upsertJson(tx, `person_timeline${this.suffix}`, 'person_id', 'timeline', orgId, persons);
    await this.upsertJson(tx, `manager_one_on_ones${this.suffix}`, 'manager_id', 'one_on_ones', orgId, held);
    return missing;
  }

  private async loadJson<T>(
    tx: EntityManager,
    table: string,
    idColumn: string,
    jsonColumn: string,
    orgId: string,
    ids: readonly string[],
  ): Promise<Map<string, T>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; doc: T }[] = await tx.query(
      `SELECT ${idColumn} AS id, ${jsonColumn} AS doc FROM ${table} WHERE org_id = $1 AND ${idColumn} = ANY($2::text[])`,
      [orgId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.doc]));
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
        managers.push({ id: managerId, json: JSON.stringify(oneOnOnesOf(ordered)) });
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
