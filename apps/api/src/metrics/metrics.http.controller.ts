import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ApiMetrics } from './api-metrics';

@Controller('metrics')
export class MetricsHttpController {
  constructor(@Inject(ApiMetrics) private readonly apiMetrics: ApiMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.apiMetrics.metrics();
  }
}
