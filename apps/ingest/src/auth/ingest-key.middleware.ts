import { Injectable, type NestMiddleware } from '@nestjs/common';
import { bearerToken } from '@orgpulse/platform';
import type { IncomingMessage } from 'node:http';
import { IngestError, databaseUnavailable } from '../errors/ingest-error';
import { IngestKeyCache } from './ingest-key.cache';
import { TokenBucketRateLimiter } from '../rate-limit/token-bucket.rate-limiter';

/** The raw request as fastify's onRequest phase sees it, once authenticated. */
export interface AuthenticatedRawRequest extends IncomingMessage {
  orgId?: string;
}

/**
 * Runs before the body is read: unknown callers and callers over their rate get nothing parsed.
 * The org of every event is the ingest key's org, never anything in the body (contract §1).
 */
@Injectable()
export class IngestKeyMiddleware implements NestMiddleware {
  constructor(
    private readonly keys: IngestKeyCache,
    private readonly rateLimiter: TokenBucketRateLimiter,
  ) {}

  async use(req: AuthenticatedRawRequest, _res: unknown, next: (error?: unknown) => void): Promise<void> {
    try {
      const key = bearerToken(req.headers.authorization);
      if (key === undefined)
        throw new IngestError('UNAUTHORIZED', 'missing ingest key: send Authorization: Bearer <key>');
      const orgId = await this.keys.orgOf(key).catch(() => {
        throw databaseUnavailable();
      });
      if (orgId === undefined) throw new IngestError('UNAUTHORIZED', 'unknown or revoked ingest key');
      const decision = this.rateLimiter.take(key);
      if (!decision.allowed) {
        throw new IngestError(
          'RATE_LIMITED',
          'too many requests for this ingest key',
          [],
          decision.retryAfterSeconds,
        );
      }
      req.orgId = orgId;
      next();
    } catch (error) {
      next(error);
    }
  }
}
