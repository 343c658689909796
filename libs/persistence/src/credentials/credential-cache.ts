import { LRUCache } from 'lru-cache';
import { NOTIFY_CHANNELS } from '../database/notify-channels';
import type { PgListener } from '../database/pg-listener';
import { hashSecret } from './secrets';

export interface CredentialCacheOptions {
  /** A safety net under the notifications, not what revocation relies on. */
  ttlMs: number;
  maxEntries: number;
}

/** Counts what the cache served and what it had to look up (the service's /metrics). */
export interface CredentialCacheMeter {
  hit(): void;
  miss(): void;
}

/**
 * What a secret (ingest key, API token) stands for, kept in memory so that a request costs no SQL.
 * A revocation NOTIFYs the secret's hash when it commits and the entry is dropped as it arrives;
 * while the listener is not connected nothing is served from memory, and a lookup that a
 * revocation (or a lost connection) overtook is not kept, so a revoked secret is never accepted
 * for longer than the notification takes.
 */
export class CredentialCache<V extends object> {
  private readonly entries: LRUCache<string, V>;
  private readonly enabled: boolean;
  /** Moves on every revocation and connection change: a lookup that started before is not kept. */
  private generation = 0;

  constructor(
    private readonly listener: PgListener,
    private readonly lookup: (hash: string) => Promise<V | undefined>,
    options: CredentialCacheOptions,
    private readonly meter?: CredentialCacheMeter,
  ) {
    // ttlMs 0: every request looks its secret up
    this.enabled = options.ttlMs > 0 && options.maxEntries > 0;
    this.entries = new LRUCache({ max: Math.max(1, options.maxEntries), ttl: Math.max(1, options.ttlMs) });
    listener.on(NOTIFY_CHANNELS.credentials, (hash) => {
      this.generation++;
      this.entries.delete(hash);
    });
    listener.onListening(() => {
      this.generation++;
      this.entries.clear();
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the secret stands for, or undefined for an unknown or revoked one (never cached). */
  async get(secret: string): Promise<V | undefined> {
    return this.getByHash(hashSecret(secret));
  }

  async getByHash(hash: string): Promise<V | undefined> {
    if (this.enabled && this.listener.listening) {
      const cached = this.entries.get(hash);
      if (cached !== undefined) {
        this.meter?.hit();
        return cached;
      }
    }
    this.meter?.miss();
    const generation = this.generation;
    const found = await this.lookup(hash);
    if (found !== undefined && this.enabled && this.listener.listening && generation === this.generation)
      this.entries.set(hash, found);
    return found;
  }
}
