import { ForeignOffsetError } from '@orgpulse/persistence';

/**
 * transient: the same batch may succeed later (PostgreSQL away, a deadlock, a serialization failure): retry
 * with backoff and skip nothing. permanent: the data itself is refused (a data exception, a constraint, a
 * limit, or the fold throwing on it): retrying can never help, so the record is found and dead-lettered.
 * rebind: the partition now reads another cluster or topic incarnation: resume it afresh.
 */
export type ProjectionFailure = 'transient' | 'permanent' | 'rebind';

// SQLSTATE classes: 22 data exception, 23 integrity constraint violation, 54 program limit exceeded
const PERMANENT_SQLSTATE_CLASSES = ['22', '23', '54'];

export function classifyProjectionFailure(error: unknown): ProjectionFailure {
  if (error instanceof ForeignOffsetError) return 'rebind';
  const sqlState = sqlStateOf(error);
  if (sqlState !== undefined) {
    return PERMANENT_SQLSTATE_CLASSES.includes(sqlState.slice(0, 2)) ? 'permanent' : 'transient';
  }
  // Thrown by our own code on the data (e.g. an invalid date in a fold), never by a connection.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError)
    return 'permanent';
  return 'transient';
}

function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  const candidate = typeof code === 'string' ? code : (driverError as { code?: unknown } | undefined)?.code;
  return typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate) ? candidate : undefined;
}
