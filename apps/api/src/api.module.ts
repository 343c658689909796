import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { CredentialsRepository } from '@orgpulse/persistence';
import type { Logger, ServiceMetrics } from '@orgpulse/platform';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { AlertChanges } from './alerts/alert-changes';
import { API_RESOLVERS } from './api.resolvers';
import { ApiAuthenticator } from './auth/api-authenticator';
import { ApiTokenMiddleware } from './auth/api-token.middleware';
import { RolesGuard } from './auth/roles.guard';
import { Clock, SystemClock } from './graphql/clock';
import { graphqlOptions } from './graphql/graphql-options';
import { QUERY_LIMITS } from './graphql/query-limits/query-limits';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { ResultCache } from './graphql/result-cache/result-cache';
import { TeamHistoryCache } from './read-models/team-history.cache';
import { RESULT_CACHE, ServedFromCacheMiddleware } from './graphql/result-cache/served-from-cache.middleware';
import { HealthHttpController } from './health/health.http.controller';
import { serveGraphqlWs } from './subscriptions/graphql-ws.server';
import { OpenSockets } from './subscriptions/open-sockets';

export interface ApiResources {
  db: DataSource;
  alertChanges: AlertChanges;
  dataVersions: OrgDataVersions;
  resultCacheMs: number;
  kafkaHealth: KafkaHealthProbe;
  logger: Logger;
  production: boolean;
  /** the process's /metrics: the caches' hits, misses and sizes */
  metrics?: ServiceMetrics;
}

/** Revoked tokens' subscriptions are closed within this (plus one PostgreSQL round trip). */
const TOKEN_RECHECK_MS = 2_000;
const API_RESOURCES = Symbol('ApiResources');

class ApiLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private graphqlWs?: { close(): Promise<void> };

  constructor(
    @Inject(AlertChanges) private readonly alertChanges: AlertChanges,
    @Inject(OrgDataVersions) private readonly dataVersions: OrgDataVersions,
    @Inject(KafkaHealthProbe) private readonly kafkaHealth: KafkaHealthProbe,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
    @Inject(GraphQLSchemaHost) private readonly schema: GraphQLSchemaHost,
    @Inject(ApiAuthenticator) private readonly authenticator: ApiAuthenticator,
    @Inject(OpenSockets) private readonly openSockets: OpenSockets,
    @Inject(API_RESOURCES) private readonly resources: ApiResources,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.alertChanges.start();
    await this.dataVersions.start();
    this.graphqlWs = serveGraphqlWs(this.http.httpAdapter.getHttpServer() as Server, {
      path: '/graphql',
      schema: this.schema.schema,
      db: this.db,
      authenticator: this.authenticator,
      openSockets: this.openSockets,
      limits: QUERY_LIMITS,
      logger: this.resources.logger,
      extraRules: this.resources.production ? [NoSchemaIntrospectionCustomRule] : [],
    });
    this.openSockets.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.openSockets.stop();
    await this.graphqlWs?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.alertChanges.stop();
    await this.dataVersions.stop();
    await this.kafkaHealth.close();
    await this.db.destroy();
  }
}

/** What teams' weeks may hold in memory, shared by every request (issue 20: caches bounded in bytes). */
const TEAM_HISTORY_BYTES = 48 * 1024 * 1024;

@Module({})
export class ApiModule implements NestModule {
  static with(resources: ApiResources): DynamicModule {
    const resultCache =
      resources.resultCacheMs > 0
        ? new ResultCache(resources.dataVersions, { maxAgeMs: resources.resultCacheMs, maxEntries: 1_000 })
        : undefined;
    // teams' weeks for windows the result cache cannot share (other windows, groups)
    const teamHistories = resources.resultCacheMs > 0 ? new TeamHistoryCache(TEAM_HISTORY_BYTES) : undefined;
    if (resultCache && resources.metrics)
      resultCache.meter = resources.metrics.cache('api_results', {
        entries: () => resultCache.size,
        bytes: () => resultCache.bytes,
      });
    return {
      module: ApiModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          ...graphqlOptions({ ...resources, resultCache, teamHistories }),
        }),
      ],
      controllers: [HealthHttpController],
      providers: [
        { provide: DataSource, useValue: resources.db },
        { provide: KafkaHealthProbe, useValue: resources.kafkaHealth },
        { provide: Clock, useClass: SystemClock },
        { provide: AlertChanges, useValue: resources.alertChanges },
        { provide: OrgDataVersions, useValue: resources.dataVersions },
        { provide: API_RESOURCES, useValue: resources },
        { provide: RESULT_CACHE, useValue: resultCache ?? null },
        {
          provide: CredentialsRepository,
          useFactory: (db: DataSource) => new CredentialsRepository(db),
          inject: [DataSource],
        },
        {
          provide: ApiAuthenticator,
          useFactory: (credentials: CredentialsRepository) => new ApiAuthenticator(credentials),
          inject: [CredentialsRepository],
        },
        {
          provide: OpenSockets,
          useFactory: (credentials: CredentialsRepository) =>
            new OpenSockets(credentials, resources.logger, TOKEN_RECHECK_MS),
          inject: [CredentialsRepository],
        },
        { provide: APP_GUARD, useClass: RolesGuard },
        ApiTokenMiddleware,
        ServedFromCacheMiddleware,
        ...API_RESOLVERS,
        ApiLifecycle,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiTokenMiddleware, ServedFromCacheMiddleware).forRoutes('graphql');
  }
}
