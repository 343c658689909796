import { Controller, Get, Res } from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { serviceHealth } from '@orgpulse/platform';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly kafka: KafkaHealthProbe,
    private readonly db: DataSource,
  ) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const report = await serviceHealth(this.kafka, this.db);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}
