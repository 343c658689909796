import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR, ModuleRef } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { WebhookTargetPolicy } from '@orgpulse/domain';
import {
  AlertsRepository,
  IntegrationsRepository,
  OrgSettingsRepository,
  WebhooksRepository,
} from '@orgpulse/persistence';
import type { Logger, SecretBox, ServiceMetrics } from '@orgpulse/platform';
import { DataSource } from 'typeorm';
import { AlertChanges } from './alerts/alert-changes';
import { API_RESOLVERS } from './api.resolvers';
import { ApiAuthenticator } from './auth/api-authenticator';
import type { ApiCache } from './cache/api-cache';
import { AccessInterceptor } from './auth/access.interceptor';
import { Clock, SystemClock } from './graphql/clock';
import type { ExecutionLimits } from './graphql/execution-limits/execution-budget';
import { CooperativeScheduler } from './graphql/execution-limits/cooperative-scheduler';
import { graphqlOptions } from './graphql/graphql-options';
import { GraphqlPolicy } from './graphql/graphql-policy';
import type { OrgSizesSource } from './graphql/query-limits/org-sizes.source';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { ResultCache } from './graphql/result-cache/result-cache';
import { TeamHistoryCache } from './read-models/team-history.cache';
import { GraphqlWsPart } from './subscriptions/graphql-ws.part';
import { OpenSockets } from './subscriptions/open-sockets';
import { HealthHttpController } from '@orgpulse/runtime';

export interface ApiResources {
  db: DataSource;
  alertChanges: AlertChanges;
  dataVersions: OrgDataVersions;
  authenticator: ApiAuthenticator;
  /** subscriptions' sockets, closed when their token is revoked */
  openSockets: OpenSockets;
  /** seals and opens webhook and integration secrets (ORGPULSE_SECRETS_KEY) */
  secrets: SecretBox;
  /** where webhooks may point: the operator setting the alerter applies at every delivery */
  webhookTargets: WebhookTargetPolicy;
  /** Absent: nothing is cached (API_RESULT_CACHE_MS=0). */
  cache: ApiCache | undefined;
  resultCache: ResultCache | undefined;
  /** the org's sizes the cost of its queries is computed from */
  sizes: OrgSizesSource;
  /** What an accepted query may take: time and response bytes (contract §12). */
  limits: ExecutionLimits;
  logger: Logger;
  /** No introspection and no field suggestions (API_INTROSPECTION). */
  hideSchema: boolean;
  /** the process's /metrics: the caches' hits, misses and sizes */
  metrics?: ServiceMetrics;
}

@Module({})
export class ApiModule {
  static with(resources: ApiResources): DynamicModule {
    const { cache, resultCache } = resources;
    // teams' timelines for windows the result cache cannot share (other windows, groups)
    const teamHistories = cache && new TeamHistoryCache(cache.maxBytes);
    if (teamHistories && resources.metrics)
      teamHistories.meter = resources.metrics.cache('api_team_timelines', {
        entries: () => teamHistories.size,
        bytes: () => teamHistories.bytes,
      });
    const scheduler = new CooperativeScheduler();
    const policy = new GraphqlPolicy({
      db: resources.db,
      hideSchema: resources.hideSchema,
      sizes: resources.sizes,
      scheduler,
      teamHistories,
      shared: cache && resources.dataVersions && { cache, versions: resources.dataVersions },
    });
    return {
      module: ApiModule,
      imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [ModuleRef],
          useFactory: (moduleRef: ModuleRef) =>
            graphqlOptions({
              policy,
              scheduler,
              logger: resources.logger,
              limits: resources.limits,
              resultCache,
              fieldResolvers: {
                resolvers: API_RESOLVERS,
                instanceOf: (resolver) => moduleRef.get(resolver, { strict: false }),
              },
            }),
        }),
      ],
      controllers: [HealthHttpController],
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: AlertChanges, useValue: resources.alertChanges },
        { provide: OrgDataVersions, useValue: resources.dataVersions },
        { provide: GraphqlPolicy, useValue: policy },
        { provide: ApiAuthenticator, useValue: resources.authenticator },
        { provide: OpenSockets, useValue: resources.openSockets },
        { provide: WebhookTargetPolicy, useValue: resources.webhookTargets },
        { provide: AlertsRepository, useValue: new AlertsRepository(resources.db) },
        { provide: OrgSettingsRepository, useValue: new OrgSettingsRepository(resources.db) },
        { provide: WebhooksRepository, useValue: new WebhooksRepository(resources.db, resources.secrets) },
        {
          provide: IntegrationsRepository,
          useValue: new IntegrationsRepository(resources.db, resources.secrets),
        },
        GraphqlWsPart,
        { provide: APP_INTERCEPTOR, useClass: AccessInterceptor },
        ...API_RESOLVERS,
      ],
    };
  }
}
