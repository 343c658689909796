import type { EventEnvelope } from '@orgpulse/contracts';
import { ClientLedger } from './client-ledger';
import { mixedEventStream } from './mixed-event-stream';

export interface LoadOrg {
  orgId: string;
  ingestKey: string;
}

export interface LoadOptions {
  /** One ingest, or several replicas: requests go round them, and a retry goes to the next one. */
  ingestUrl: string | readonly string[];
  orgs: readonly LoadOrg[];
  /** Across all orgs; each org sends its share as one request at a time. */
  eventsPerSecond: number;
  durationMs: number;
  idPrefix: string;
  eventsPerRequest?: number;
  requestTimeoutMs?: number;
  /** How long after the end a request still unanswered keeps being retried before the client gives up. */
  retryForMs?: number;
  /**
   * Every Nth accepted request is sent once more, as a client that missed the 202 would: the same
   * events twice on the topic, which the store and the read models must count once. 0: never.
   */
  resendEvery?: number;
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A steady multi-org stream through ingest, as integrations send it: every answer is recorded, and a
 * request answered 503, 429, 5xx, or not at all is sent again unchanged (same ids) after Retry-After.
 */
export class LoadGenerator {
  readonly ledger = new ClientLedger();
  private stopping = false;
  private readonly done: Promise<void>;
  private readonly urls: readonly string[];
  private turn = 0;

  constructor(private readonly options: LoadOptions) {
    this.urls = typeof options.ingestUrl === 'string' ? [options.ingestUrl] : options.ingestUrl;
    const endAt = Date.now() + options.durationMs;
    this.done = Promise.all(
      options.orgs.map((org, i) => this.runOrg(org, `${options.idPrefix}-o${i}`, endAt)),
    ).then(() => undefined);
  }

  /** Resolves once every org's last request is answered 202, refused, or given up on. */
  finished(): Promise<void> {
    return this.done;
  }

  /** Stops sending new requests (the one in flight per org still completes). */
  stop(): void {
    this.stopping = true;
  }

  private async runOrg(org: LoadOrg, idPrefix: string, endAt: number): Promise<void> {
    const {
      eventsPerSecond,
      orgs,
      eventsPerRequest = 20,
      retryForMs = 30_000,
      resendEvery = 25,
    } = this.options;
    const intervalMs = (eventsPerRequest * orgs.length * 1000) / eventsPerSecond;
    const stream = mixedEventStream(idPrefix);
    let nextAt = Date.now();
    let requests = 0;
    while (!this.stopping && Date.now() < endAt) {
      const batch = Array.from({ length: eventsPerRequest }, () => stream.next().value as EventEnvelope);
      await this.deliver(org, batch, endAt + retryForMs);
      requests += 1;
      if (resendEvery > 0 && requests % resendEvery === 0) await this.deliver(org, batch, endAt + retryForMs);
      nextAt = Math.max(nextAt + intervalMs, Date.now() - intervalMs);
      await pause(Math.max(0, nextAt - Date.now()));
    }
  }

  private async deliver(org: LoadOrg, batch: EventEnvelope[], giveUpAt: number): Promise<void> {
    const keys = batch.map((e) => ClientLedger.key(org.orgId, e.id));
    const body = JSON.stringify(batch);
    this.ledger.sent(keys);
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs = Math.min(5_000, 250 * 2 ** attempt);
      try {
        const url = this.urls[this.turn++ % this.urls.length];
        const response = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${org.ingestKey}`, 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
        });
        await response.arrayBuffer();
        this.ledger.answered(String(response.status));
        if (response.status === 202) return this.ledger.accepted(keys);
        if (!RETRYABLE(response.status)) return this.ledger.refused(keys);
        const retryAfter = Number(response.headers.get('retry-after'));
        if (retryAfter > 0) retryAfterMs = Math.min(5_000, retryAfter * 1000);
      } catch (error) {
        this.ledger.answered((error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
      }
      if (Date.now() + retryAfterMs > giveUpAt) return;
      await pause(retryAfterMs);
    }
  }
}
