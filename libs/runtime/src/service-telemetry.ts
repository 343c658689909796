import type { KafkaHealthProbe } from '@orgpulse/messaging';
import { DatabaseProbe } from '@orgpulse/persistence';
import { ReadinessMonitor, ServiceMetrics, Tracing, type TracingConfig } from '@orgpulse/platform';

export interface TelemetryConfig extends TracingConfig {
  DATABASE_URL: string;
  READINESS_CHECK_INTERVAL_MS: number;
  NODE_ENV: string;
}

/**
 * What operators see of a process: its Prometheus metrics, its traces, and whether it is ready
 * (Kafka and PostgreSQL answer, nothing stuck), checked in the background so probes answer from memory.
 */
export class ServiceTelemetry {
  private constructor(
    readonly metrics: ServiceMetrics,
    readonly tracing: Tracing,
    readonly readiness: ReadinessMonitor,
    private readonly database: DatabaseProbe,
    private readonly kafka: Pick<KafkaHealthProbe, 'close'>,
  ) {}

  /** Tracing first, so that everything after it (the logger included) can see spans. */
  static tracingFor(service: string, config: TracingConfig): Tracing {
    return Tracing.start(service, config);
  }

  static create(
    service: string,
    config: TelemetryConfig,
    tracing: Tracing,
    kafka: Pick<KafkaHealthProbe, 'isReachable' | 'close'>,
  ): ServiceTelemetry {
    const database = new DatabaseProbe(config.DATABASE_URL, `orgpulse-${service}`);
    const readiness = new ReadinessMonitor(
      { kafka: () => kafka.isReachable(), database: () => database.isReachable() },
      {
        intervalMs: config.READINESS_CHECK_INTERVAL_MS,
        timeoutMs: 2_000,
        revealDetails: config.NODE_ENV !== 'production',
      },
    );
    return new ServiceTelemetry(new ServiceMetrics(service), tracing, readiness, database, kafka);
  }

  async stop(): Promise<void> {
    this.readiness.stop();
    await this.database.close();
    await this.kafka.close().catch(() => undefined);
    await this.tracing.shutdown();
  }
}
