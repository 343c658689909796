import type { EventIdentityTraits } from './event-identity';
import { RFC3339_WITH_OFFSET } from './event-envelope.schema';
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Id = Type.String({ minLength: 1, maxLength: 128 });
const Text = (maxLength: number) => Type.String({ maxLength });
// enum rather than a union of literals: one clear validation message instead of one per literal.
const StringEnum = <T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const Timestamp = Type.String({ pattern: RFC3339_WITH_OFFSET, maxLength: 40 });
const NullableId = Type.Unsafe<string | null>({ type: ['string', 'null'], minLength: 1, maxLength: 128 });

export const personRoles = ['pm', 'engineering-manager', 'designer', 'engineer', 'leader', 'other'] as const;
export const blockReasons = [
  'unclear-priorities',
  'dependency',
  'decision-pending',
  'environment',
  'other',
] as const;
const Role = StringEnum(personRoles);
// a competency of a coaching plan and of a 1:1's ratings (contract §14)
const CompetencyName = Type.String({ minLength: 1, maxLength: 64 });
const Level = Type.Integer({ minimum: 1, maximum: 5 });
const BlockReason = StringEnum(blockReasons);
// Unknown extra fields in data are kept but not interpreted (contract §2).
const Data = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: true });

export const eventDataSchemas = {
  'team.registered': Data({
    teamId: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    headcount: Type.Integer({ minimum: 0, maximum: 100_000 }),
    groupId: Type.Optional(Id),
    pmId: Type.Optional(Id),
    managerId: Type.Optional(Id),
  }),
  'team.archived': Data({ teamId: Id }),
  'person.registered': Data({
    personId: Id,
    name: Type.Optional(Text(200)),
    role: Role,
    managerId: Type.Optional(NullableId),
  }),
  'person.manager-changed': Data({ personId: Id, managerId: NullableId }),
  'team.blocked': Data({
    teamId: Id,
    reason: BlockReason,
    blockedBy: Type.Optional(Id),
    note: Type.Optional(Text(2000)),
  }),
  'team.unblocked': Data({ teamId: Id, note: Type.Optional(Text(2000)) }),
  'discovery.interview-held': Data({
    teamId: Id,
    participantRoles: Type.Optional(Type.Array(Role, { maxItems: 50 })),
    customer: Type.Optional(Text(200)),
    outcome: Type.Optional(Text(2000)),
  }),
  'delivery.shipped': Data({ teamId: Id, release: Type.Optional(Text(200)), url: Type.Optional(Text(2048)) }),
  'one-on-one.held': Data({
    managerId: Id,
    reportId: Id,
    ratings: Type.Optional(
      Type.Array(Type.Object({ competency: CompetencyName, level: Level }, { additionalProperties: false }), {
        maxItems: 20,
      }),
    ),
  }),
  'coaching.plan-set': Data({
    personId: Id,
    managerId: Type.Optional(Id),
    competencies: Type.Array(
      Type.Object({ name: CompetencyName, target: Level }, { additionalProperties: false }),
      { minItems: 1, maxItems: 20 },
    ),
  }),
  'group.registered': Data({
    groupId: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    parentId: Type.Optional(NullableId),
  }),
  // a decision a team waited for, made at occurredAt: its latency is occurredAt - requestedAt
  'decision.made': Data({ teamId: Id, requestedAt: Timestamp, title: Type.Optional(Text(200)) }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export const eventTypes = Object.keys(eventDataSchemas) as EventType[];
export const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(eventDataSchemas, value);

export type EventData<T extends EventType> = Static<(typeof eventDataSchemas)[T]>;

/** What an event is about: the unit whose events stay in order and whose read models they fold into. */
export type SubjectKind = 'team' | 'person' | 'manager' | 'group';

export interface Subject {
  kind: SubjectKind;
  id: string;
}

/**
 * Each event type's subject, read from its data: what it is about, whose events stay in order. A record
 * over every type, beside the schemas: an event type that does not say what it is about does not compile.
 */
export const eventSubjects: { [T in EventType]: (data: EventData<T>) => Subject } = {
  'team.registered': (d) => ({ kind: 'team', id: d.teamId }),
  'team.archived': (d) => ({ kind: 'team', id: d.teamId }),
  'team.blocked': (d) => ({ kind: 'team', id: d.teamId }),
  'team.unblocked': (d) => ({ kind: 'team', id: d.teamId }),
  'discovery.interview-held': (d) => ({ kind: 'team', id: d.teamId }),
  'delivery.shipped': (d) => ({ kind: 'team', id: d.teamId }),
  'person.registered': (d) => ({ kind: 'person', id: d.personId }),
  'person.manager-changed': (d) => ({ kind: 'person', id: d.personId }),
  'coaching.plan-set': (d) => ({ kind: 'person', id: d.personId }),
  'one-on-one.held': (d) => ({ kind: 'manager', id: d.managerId }),
  'group.registered': (d) => ({ kind: 'group', id: d.groupId }),
  'decision.made': (d) => ({ kind: 'team', id: d.teamId }),
};

/**
 * The envelope an integration posts (contract §2), before the org and ingest time are attached. Its
 * identity traits (§11) are set by ingest for CloudEvents; a posted native envelope cannot hold them.
 */
export interface EventEnvelope<T extends EventType = EventType> extends EventIdentityTraits {
  id: string;
  type: T;
  occurredAt: string;
  source?: string;
  data: EventData<T>;
}

export const EVENT_VERSION = 1 as const;

/** An accepted event: the envelope plus its org and ingest time, as it travels on Kafka and sits in the store. */
export type AcceptedEvent<T extends EventType = EventType> = {
  [K in T]: EventEnvelope<K> & { version: typeof EVENT_VERSION; orgId: string; ingestedAt: string };
}[T];
