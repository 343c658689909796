// The broker no longer knows this producer's id, epoch or sequence (Kafka was replaced or wiped under it):
// only a new producer, with a new id, can send again.
const STALE_PRODUCER_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

export function isStaleProducerError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { type, cause, originalError } = e as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof type === 'string' && STALE_PRODUCER_ERRORS.has(type)) return true;
    e = cause ?? originalError;
  }
  return false;
}
