import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { HealthHttpController } from '@orgpulse/runtime';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AlertScheduler } from './evaluate-alerts/alert-scheduler';
import { OutboxBacklog } from './health/outbox-backlog';

export interface AlerterResources {
  db: DataSource;
  kafkaHealth: KafkaHealthProbe;
  scheduler: AlertScheduler;
  producer: Pick<Producer, 'disconnect'>;
  backlog: OutboxBacklog;
}

const PRODUCER = Symbol('PRODUCER');

class AlerterLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(AlertScheduler) private readonly scheduler: AlertScheduler,
    @Inject(PRODUCER) private readonly producer: Pick<Producer, 'disconnect'>,
    @Inject(KafkaHealthProbe) private readonly kafkaHealth: KafkaHealthProbe,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(OutboxBacklog) private readonly backlog: OutboxBacklog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.backlog.start();
    await this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.backlog.stop();
    await this.scheduler.stop();
    await this.producer.disconnect();
    await this.kafkaHealth.close();
    await this.db.destroy();
  }
}

/** Raises and resolves alerts (contract §6) and delivers them through the outbox. */
@Module({})
export class AlerterModule {
  static with(resources: AlerterResources): DynamicModule {
    return {
      module: AlerterModule,
      controllers: [HealthHttpController],
      providers: [
        { provide: DataSource, useValue: resources.db },
        { provide: KafkaHealthProbe, useValue: resources.kafkaHealth },
        { provide: AlertScheduler, useValue: resources.scheduler },
        { provide: PRODUCER, useValue: resources.producer },
        { provide: OutboxBacklog, useValue: resources.backlog },
        AlerterLifecycle,
      ],
    };
  }
}
