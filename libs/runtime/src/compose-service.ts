import type { DynamicModule, InjectionToken } from '@nestjs/common';
import { ReadinessMonitor } from '@orgpulse/platform';
import type { ServiceConnections } from './connect-service';
import { type ServicePart, ServiceLifecycle } from './service-lifecycle';

export interface ServiceComposition {
  connections: Pick<ServiceConnections, 'db' | 'kafkaHealth' | 'telemetry' | 'logger'>;
  /** started in this order, stopped in reverse, before the connections close */
  parts: ServicePart[];
  /** parts Nest builds (they need the app's providers): started after `parts`, stopped before them */
  injectedParts?: InjectionToken[];
}

/**
 * The app's root module with its lifecycle: the parts, then the shared connections closed, then the
 * telemetry stopped last so that the spans of the shutdown itself are exported too.
 */
export function composeService(module: DynamicModule, composition: ServiceComposition): DynamicModule {
  const { db, kafkaHealth, telemetry, logger } = composition.connections;
  const connections: ServicePart[] = [
    { name: 'telemetry', stop: () => telemetry.stop() },
    { name: 'database', stop: async () => (db.isInitialized ? db.destroy() : undefined) },
    { name: 'kafka health', stop: () => kafkaHealth.close() },
  ];
  return {
    ...module,
    providers: [
      ...(module.providers ?? []),
      { provide: ReadinessMonitor, useValue: telemetry.readiness },
      {
        provide: ServiceLifecycle,
        useFactory: (...injected: ServicePart[]) =>
          new ServiceLifecycle([...connections, ...composition.parts, ...injected], logger),
        inject: composition.injectedParts ?? [],
      },
    ],
  };
}
