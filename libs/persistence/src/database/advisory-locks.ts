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
} as const;
