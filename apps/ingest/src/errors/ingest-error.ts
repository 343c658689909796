import type { EventProblem } from '@orgpulse/contracts';

export const ingestErrorStatus = {
  INVALID_REQUEST: 400,
  INVALID_EVENTS: 400,
  UNAUTHORIZED: 401,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  KAFKA_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type IngestErrorCode = keyof typeof ingestErrorStatus;

/** A refusal of the ingest API: a code, and what is wrong, in the contract's `errors` list. */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    readonly problems: readonly EventProblem[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'IngestError';
  }

  get status(): number {
    return ingestErrorStatus[this.code];
  }

  toBody(): { errors: object[] } {
    return this.problems.length > 0
      ? { errors: this.problems.map((p) => ({ code: this.code, ...p })) }
      : { errors: [{ code: this.code, message: this.message }] };
  }
}

export const KAFKA_RETRY_AFTER_SECONDS = 5;

/** Kafka did not take a request's events (or would not now): nothing was accepted, the same request may be retried. */
export const kafkaUnavailable = (message: string): IngestError =>
  new IngestError('KAFKA_UNAVAILABLE', message, [], KAFKA_RETRY_AFTER_SECONDS);

/** The ingest key could not be checked (PostgreSQL does not answer): nothing was accepted, retry the request. */
export const databaseUnavailable = (): IngestError =>
  new IngestError(
    'DATABASE_UNAVAILABLE',
    'the ingest key could not be checked (the database does not answer); nothing was accepted, retry the same request',
    [],
    KAFKA_RETRY_AFTER_SECONDS,
  );
