import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AcceptEvents, EventPublisher } from '@orgpulse/messaging';
import { IntegrationsRepository } from '@orgpulse/persistence';
import { IngestKeyCache } from './auth/ingest-key.cache';
import { IngestKeyMiddleware } from './auth/ingest-key.middleware';
import { PublishBacklogMiddleware } from './backpressure/publish-backlog.middleware';
import { IngestErrorFilter } from './errors/ingest-error.filter';
import { TokenBucketRateLimiter } from './rate-limit/token-bucket.rate-limiter';
import { IntegrationReceiver } from './receive-integrations/integration-receiver';
import { IntegrationReceiverHttpController } from './receive-integrations/integration-receiver.http.controller';
import { RecordEventsHandler } from './record-events/record-events.handler';
import { RecordEventsHttpController } from './record-events/record-events.http.controller';
import { HealthHttpController } from '@orgpulse/runtime';

export interface IngestResources {
  publisher: EventPublisher;
  rateLimiter: TokenBucketRateLimiter;
  keys: IngestKeyCache;
  integrations: IntegrationsRepository;
}

@Module({})
export class IngestModule implements NestModule {
  static with(resources: IngestResources): DynamicModule {
    return {
      module: IngestModule,
      controllers: [RecordEventsHttpController, IntegrationReceiverHttpController, HealthHttpController],
      providers: [
        { provide: EventPublisher, useValue: resources.publisher },
        { provide: AcceptEvents, useValue: new AcceptEvents(resources.publisher) },
        { provide: TokenBucketRateLimiter, useValue: resources.rateLimiter },
        { provide: IngestKeyCache, useValue: resources.keys },
        { provide: IntegrationsRepository, useValue: resources.integrations },
        { provide: APP_FILTER, useClass: IngestErrorFilter },
        IngestKeyMiddleware,
        PublishBacklogMiddleware,
        RecordEventsHandler,
        IntegrationReceiver,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(IngestKeyMiddleware, PublishBacklogMiddleware)
      .forRoutes({ path: 'v1/events', method: RequestMethod.POST });
    // receivers authenticate by signature (over the body), so only the backlog check runs before it is read
    consumer
      .apply(PublishBacklogMiddleware)
      .forRoutes({ path: 'v1/integrations/:id', method: RequestMethod.POST });
  }
}
