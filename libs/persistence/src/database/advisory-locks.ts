/** Every PostgreSQL advisory lock key of orgpulse, in one place so two uses never share a key. */
export const ADVISORY_LOCKS = {
  /** services migrate at start, one at a time */
  migrations: 7_317_001,
  /** batches share it; a rebuild's swap takes it alone */
  projection: 7_317_002,
  /** one dead-letter relay per group */
  deadLetterRelay: 7_317_003,
  /** one projector checks read-model versions and rebuilds at a time */
  readModelUpgrade: 7_317_004,
  /** one outbox claim at a time across alerters, so the in-flight limit per webhook holds exactly */
  alertOutboxClaim: 7_317_005,
} as const;

/**
 * Per-org locks take two int4 keys, `(namespace, hashtext(org id))`: PostgreSQL keeps two-key locks
 * apart from the one-key ones above, and the namespace keeps each kind apart from the others.
 */
export const ORG_ADVISORY_LOCKS = {
  /** an org's webhook count checked and a webhook added together */
  webhooks: 7_317_101,
  /** an org's integration count checked and an integration added together */
  integrations: 7_317_102,
} as const;

/** SQL taking an org's transaction-scoped lock: parameters (namespace, org id). */
export const ORG_XACT_LOCK_SQL = 'SELECT pg_advisory_xact_lock($1, hashtext($2))';
