import { Injectable, type NestMiddleware } from '@nestjs/common';
import { EventPublisher } from '@orgpulse/messaging';
import { backlogRefusal } from './backlog-refusal';

/**
 * Runs before the body is read: while the backlog waiting for Kafka is full, a request is refused
 * without being parsed, so a stream of requests to a Kafka that does not answer costs no memory.
 * The publisher still decides for requests that get through (the backlog may fill meanwhile).
 */
@Injectable()
export class PublishBacklogMiddleware implements NestMiddleware {
  constructor(private readonly publisher: EventPublisher) {}

  use(_req: unknown, _res: unknown, next: (error?: unknown) => void): void {
    next(backlogRefusal(this.publisher));
  }
}
