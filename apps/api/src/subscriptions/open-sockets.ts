import { type CredentialsRepository } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { WebSocket } from 'ws';

/** graphql-ws's close code for a connection whose credentials no longer allow it. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/**
 * The open graphql-ws connections and the API token each was authenticated with. Revocation is a row
 * in PostgreSQL (the CLI's `token revoke`), so every `checkEveryMs` the tokens still in use are looked
 * up in one statement and the connections of a revoked one are closed.
 */
export class OpenSockets {
  private readonly tokenOf = new Map<WebSocket, string>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly logger: Logger,
    private readonly checkEveryMs: number,
  ) {}

  add(socket: WebSocket, tokenHash: string): void {
    this.tokenOf.set(socket, tokenHash);
  }

  remove(socket: WebSocket): void {
    this.tokenOf.delete(socket);
  }

  start(): void {
    this.timer = setInterval(() => void this.closeRevoked(), this.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async closeRevoked(): Promise<void> {
    if (this.checking || this.tokenOf.size === 0) return;
    this.checking = true;
    try {
      const live = await this.credentials.liveApiTokenHashes([...new Set(this.tokenOf.values())]);
      for (const [socket, tokenHash] of this.tokenOf) {
        if (live.has(tokenHash)) continue;
        this.tokenOf.delete(socket);
        socket.close(FORBIDDEN_CLOSE_CODE, 'API token revoked');
      }
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not recheck the tokens of open subscriptions');
    } finally {
      this.checking = false;
    }
  }
}
