import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { CredentialsRepository } from '@orgpulse/persistence';
import type { Logger } from '@orgpulse/platform';
import { DataSource } from 'typeorm';
import { AlertChanges } from './alerts/alert-changes';
import { AlertsResolver } from './alerts/alerts.resolver';
import { ApiTokenMiddleware } from './auth/api-token.middleware';
import { Clock, SystemClock } from './graphql/clock';
import { graphqlOptions } from './graphql/graphql-options';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { HealthHttpController } from './health/health.http.controller';
import { ManagersResolver } from './managers/managers.resolver';
import { OrgOverviewResolver } from './overview/org-overview.resolver';
import { SettingsResolver } from './settings/settings.resolver';
import { TeamsResolver } from './teams/teams.resolver';
import { WebhooksResolver } from './webhooks/webhooks.resolver';

export interface ApiResources {
  db: DataSource;
  alertChanges: AlertChanges;
  dataVersions: OrgDataVersions;
  resultCacheMs: number;
  kafkaHealth: KafkaHealthProbe;
  logger: Logger;
  production: boolean;
}

class ApiLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(AlertChanges) private readonly alertChanges: AlertChanges,
    @Inject(OrgDataVersions) private readonly dataVersions: OrgDataVersions,
    @Inject(KafkaHealthProbe) private readonly kafkaHealth: KafkaHealthProbe,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.alertChanges.start();
    await this.dataVersions.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.alertChanges.stop();
    await this.dataVersions.stop();
    await this.kafkaHealth.close();
    await this.db.destroy();
  }
}

@Module({})
export class ApiModule implements NestModule {
  static with(resources: ApiResources): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          ...graphqlOptions(resources),
        }),
      ],
      controllers: [HealthHttpController],
      providers: [
        { provide: DataSource, useValue: resources.db },
        { provide: KafkaHealthProbe, useValue: resources.kafkaHealth },
        { provide: Clock, useClass: SystemClock },
        { provide: AlertChanges, useValue: resources.alertChanges },
        { provide: OrgDataVersions, useValue: resources.dataVersions },
        {
          provide: CredentialsRepository,
          useFactory: (db: DataSource) => new CredentialsRepository(db),
          inject: [DataSource],
        },
        ApiTokenMiddleware,
        TeamsResolver,
        ManagersResolver,
        OrgOverviewResolver,
        AlertsResolver,
        SettingsResolver,
        WebhooksResolver,
        ApiLifecycle,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiTokenMiddleware).forRoutes('graphql');
  }
}
