import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { CredentialsRepository, NOTIFY_CHANNELS, type PgListener } from '@orgpulse/persistence';
import type { Logger, ServiceMetrics } from '@orgpulse/platform';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { AlertChanges } from './alerts/alert-changes';
import { API_RESOLVERS } from './api.resolvers';
import { ApiAuthenticator } from './auth/api-authenticator';
import type { ApiCache } from './cache/api-cache';
import { RolesGuard } from './auth/roles.guard';
import { Clock, SystemClock } from './graphql/clock';
import type { ExecutionLimits } from './graphql/execution-limits/execution-budget';
import { GRAPHQL_PATH, graphqlOptions } from './graphql/graphql-options';
import { QUERY_LIMITS } from './graphql/query-limits/query-limits';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { ResultCache } from './graphql/result-cache/result-cache';
import { TeamHistoryCache } from './read-models/team-history.cache';
import { serveGraphqlWs } from './subscriptions/graphql-ws.server';
import { OpenSockets } from './subscriptions/open-sockets';
import { HealthHttpController } from '@orgpulse/runtime';

export interface ApiResources {
  db: DataSource;
  alertChanges: AlertChanges;
  /** The API's one PostgreSQL LISTEN connection: projection changes and credential revocations. */
  listener: PgListener;
  dataVersions: OrgDataVersions;
  authenticator: ApiAuthenticator;
  /** Absent: nothing is cached (API_RESULT_CACHE_MS=0). */
  cache: ApiCache | undefined;
  resultCache: ResultCache | undefined;
  /** What an accepted query may take: time and response bytes (contract §12). */
  limits: ExecutionLimits;
  kafkaHealth: KafkaHealthProbe;
  logger: Logger;
  /** No introspection and no field suggestions (API_INTROSPECTION). */
  hideSchema: boolean;
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
    // a revocation closes the token's subscriptions as its NOTIFY arrives (the recheck stays as a net)
    this.resources.listener.on(NOTIFY_CHANNELS.credentials, () => void this.openSockets.closeRevoked());
    await this.resources.listener.start();
    this.graphqlWs = serveGraphqlWs(this.http.httpAdapter.getHttpServer() as Server, {
      path: GRAPHQL_PATH,
      schema: this.schema.schema,
      db: this.db,
      authenticator: this.authenticator,
      openSockets: this.openSockets,
      limits: QUERY_LIMITS,
      logger: this.resources.logger,
      extraRules: this.resources.hideSchema ? [NoSchemaIntrospectionCustomRule] : [],
    });
    this.openSockets.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.openSockets.stop();
    await this.graphqlWs?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.alertChanges.stop();
    await this.resources.listener.stop();
    this.resources.cache?.stop();
    await this.kafkaHealth.close();
    await this.db.destroy();
  }
}

@Module({})
export class ApiModule {
  static with(resources: ApiResources): DynamicModule {
    const { cache, resultCache } = resources;
    // teams' weeks for windows the result cache cannot share (other windows, groups)
    const teamHistories = cache && new TeamHistoryCache(cache.maxBytes);
    if (teamHistories && resources.metrics)
      resources.metrics.cache('api_team_weeks', {
        entries: () => teamHistories.size,
        bytes: () => teamHistories.bytes,
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
        {
          provide: CredentialsRepository,
          useFactory: (db: DataSource) => new CredentialsRepository(db),
          inject: [DataSource],
        },
        { provide: ApiAuthenticator, useValue: resources.authenticator },
        {
          provide: OpenSockets,
          useFactory: (credentials: CredentialsRepository) =>
            new OpenSockets(credentials, resources.logger, TOKEN_RECHECK_MS),
          inject: [CredentialsRepository],
        },
        { provide: APP_GUARD, useClass: RolesGuard },
        ...API_RESOLVERS,
        ApiLifecycle,
      ],
    };
  }
}
