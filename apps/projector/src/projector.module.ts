import { Module } from '@nestjs/common';
import { HealthHttpController } from '@orgpulse/runtime';

/** Projects events into the event store and the read models; its work runs as the service's parts (main.ts). */
@Module({ controllers: [HealthHttpController] })
export class ProjectorModule {}
