import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { HealthHttpController } from '@orgpulse/runtime';
import { DataSource } from 'typeorm';
import { DeadLetterRelay } from './dead-letters/dead-letter.relay';
import { ProjectEventsConsumer } from './project-events/project-events.consumer';
import { LagMonitor } from './progress/lag-monitor';

export interface ProjectorResources {
  db: DataSource;
  consumer: ProjectEventsConsumer;
  deadLetterRelay: DeadLetterRelay;
  lagMonitor: LagMonitor;
  kafkaHealth: KafkaHealthProbe;
}

/** Starts consuming once the app is up; on shutdown the batch in flight finishes before connections close. */
class ProjectorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ProjectEventsConsumer) private readonly consumer: ProjectEventsConsumer,
    @Inject(DeadLetterRelay) private readonly deadLetterRelay: DeadLetterRelay,
    @Inject(LagMonitor) private readonly lagMonitor: LagMonitor,
    @Inject(KafkaHealthProbe) private readonly kafkaHealth: KafkaHealthProbe,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.deadLetterRelay.start();
    await this.lagMonitor.start();
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.lagMonitor.stop();
    await this.deadLetterRelay.stop();
    await this.kafkaHealth.close();
    await this.db.destroy();
  }
}

@Module({})
export class ProjectorModule {
  static with(resources: ProjectorResources): DynamicModule {
    return {
      module: ProjectorModule,
      controllers: [HealthHttpController],
      providers: [
        { provide: DataSource, useValue: resources.db },
        { provide: ProjectEventsConsumer, useValue: resources.consumer },
        { provide: DeadLetterRelay, useValue: resources.deadLetterRelay },
        { provide: LagMonitor, useValue: resources.lagMonitor },
        { provide: KafkaHealthProbe, useValue: resources.kafkaHealth },
        ProjectorLifecycle,
      ],
    };
  }
}
