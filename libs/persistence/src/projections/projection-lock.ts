import { ADVISORY_LOCKS } from '../database/advisory-locks';
import type { EntityManager } from 'typeorm';

// Batches share it; a rebuild's swap takes it alone, so no batch writes while tables change places.
const PROJECTION_LOCK = ADVISORY_LOCKS.projection;

/** The statement that holds it shared, to run alone or first among others (no parameters). */
export const PROJECTION_LOCK_SHARED = `SELECT pg_advisory_xact_lock_shared(${PROJECTION_LOCK})`;

export const holdProjectionLockShared = (tx: EntityManager) => tx.query(PROJECTION_LOCK_SHARED);

export const holdProjectionLockExclusive = (tx: EntityManager) =>
  tx.query('SELECT pg_advisory_xact_lock($1)', [PROJECTION_LOCK]);
