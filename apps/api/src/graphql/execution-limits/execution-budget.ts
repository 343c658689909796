import { GraphQLError } from 'graphql';
import { queryLimitError } from '../query-limits/query-limits';

/** What an accepted query may take (contract §12): API_QUERY_DEADLINE_MS and API_MAX_RESPONSE_BYTES. */
export interface ExecutionLimits {
  deadlineMs: number;
  maxResponseBytes: number;
}

/**
 * One request's time and response bytes. Once either runs out the request is cut: every resolver
 * still to run throws the same error (one object, already located, so graphql-js keeps no copy per
 * field) and the answer is that error alone.
 */
export class ExecutionBudget {
  private readonly startedAt: number;
  private readonly deadline: number;
  bytes = 0;
  cut: GraphQLError | undefined;

  constructor(
    readonly limits: ExecutionLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
    this.deadline = this.startedAt + limits.deadlineMs;
  }

  private expiry: { promise: Promise<never>; timer: NodeJS.Timeout } | undefined;

  /**
   * Rejects with the cut at the deadline: a resolver still waiting then ends the query on time,
   * whatever its work (a read, a fold a slice at a time) still had to do.
   */
  get expired(): Promise<never> {
    if (this.expiry === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const promise = new Promise<never>((_, reject) => {
        // a deadline is no reason for the process to stay up
        timer = setTimeout(() => reject(this.cutAtDeadline()), this.remainingMs).unref();
      });
      promise.catch(() => undefined);
      this.expiry = { promise, timer: timer as NodeJS.Timeout };
    }
    return this.expiry.promise;
  }

  /** The request is answered: its deadline timer goes. */
  settle(): void {
    if (this.expiry !== undefined) clearTimeout(this.expiry.timer);
  }

  get remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }

  /** Throws the cut once the request is cut or past its deadline. */
  check(): void {
    if (this.cut === undefined && this.now() >= this.deadline) this.cutAtDeadline();
    if (this.cut !== undefined) throw this.cut;
  }

  /** Counts bytes of the answer; past the maximum the request is cut. */
  add(bytes: number): void {
    this.bytes += bytes;
    if (this.cut === undefined && this.bytes > this.limits.maxResponseBytes) {
      const max = this.limits.maxResponseBytes;
      this.cut = located(
        queryLimitError(
          'responseBytes',
          max,
          this.bytes,
          `the answer grew past ${max} bytes, the limit (API_MAX_RESPONSE_BYTES): ask for fewer fields or entries, or page with first/after`,
        ),
      );
    }
  }

  cutAtDeadline(): GraphQLError {
    const max = this.limits.deadlineMs;
    this.cut ??= located(
      queryLimitError(
        'deadlineMs',
        max,
        Math.round(this.now() - this.startedAt),
        `the query ran past ${max} ms, the limit (API_QUERY_DEADLINE_MS): ask for less, or page with first/after`,
      ),
    );
    return this.cut;
  }
}

/** An error with a path is reused as it is by graphql-js wherever it is thrown. */
const located = (error: GraphQLError): GraphQLError =>
  new GraphQLError(error.message, { path: [], extensions: error.extensions });

/** The budget of each executing HTTP request, by its GraphQL context (none for subscriptions). */
export const budgets = new WeakMap<object, ExecutionBudget>();
