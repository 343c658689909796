import { Module } from '@nestjs/common';
import { HealthHttpController } from '@orgpulse/runtime';

/** Raises and resolves alerts (contract §6) and delivers them through the outbox; its work runs as parts (main.ts). */
@Module({ controllers: [HealthHttpController] })
export class AlerterModule {}
