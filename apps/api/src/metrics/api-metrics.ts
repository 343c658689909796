import { Gauge, Registry } from 'prom-client';
import type { ApiCache } from '../cache/api-cache';

/** The API's Prometheus registry (GET /metrics): one registry, so other gauges join it. */
export class ApiMetrics {
  readonly registry = new Registry();

  constructor(cache: ApiCache | undefined) {
    const registers = [this.registry];
    new Gauge({
      name: 'orgpulse_api_cache_bytes',
      help: 'Bytes the API cache holds (results, read-model snapshots, org sizes; estimated, keys included)',
      registers,
      collect() {
        this.set(cache?.bytes ?? 0);
      },
    });
    new Gauge({
      name: 'orgpulse_api_cache_max_bytes',
      help: 'What the API cache may hold (API_CACHE_MAX_BYTES; 0 with caching off)',
      registers,
      collect() {
        this.set(cache?.maxBytes ?? 0);
      },
    });
    new Gauge({
      name: 'orgpulse_api_cache_entries',
      help: 'Entries the API cache holds',
      registers,
      collect() {
        this.set(cache?.entries ?? 0);
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
