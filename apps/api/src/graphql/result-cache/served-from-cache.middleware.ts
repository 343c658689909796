import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AuthenticatedRequest } from '../../auth/api-token.middleware';
import { answerFromCache } from './answer-from-cache';
import { ResultCache } from './result-cache';

/** The API's result cache, or null when caching is off (API_RESULT_CACHE_MS=0). */
export const RESULT_CACHE = Symbol('ResultCache');

/**
 * A cache hit over HTTP is answered here, after authentication and before Apollo: the stored
 * response bytes are written as they are, with no parsing, validation or serialisation.
 */
@Injectable()
export class ServedFromCacheMiddleware implements NestMiddleware {
  constructor(@Inject(RESULT_CACHE) private readonly cache: ResultCache | null) {}

  use(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    answerFromCache(this.cache, req, res, next);
  }
}
