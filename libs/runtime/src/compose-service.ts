import type { DynamicModule, InjectionToken } from '@nestjs/common';
import type { ServiceConnections } from './connect-service';
import { type PartLike, type ServicePart, ServiceLifecycle, partOf } from './service-lifecycle';
import { ServiceModule } from './service.module';

/** A part Nest builds from the app's providers: its token, and its name in the shutdown log. */
export interface InjectedPart {
  name: string;
  token: InjectionToken;
}

export interface ServiceComposition {
  connections: ServiceConnections;
  /** started in this order, stopped in reverse, before the connections close */
  parts?: ServicePart[];
  /** parts Nest builds (they need the app's providers): started after `parts`, stopped before them */
  injectedParts?: InjectedPart[];
}

/**
 * The app's root module with the shared connections (ServiceModule) and its lifecycle: the parts, then
 * the connections closed, then the telemetry stopped last so that the spans of the shutdown are
 * exported too.
 */
export function composeService(module: DynamicModule, composition: ServiceComposition): DynamicModule {
  const { db, kafkaHealth, telemetry, logger } = composition.connections;
  const connections: ServicePart[] = [
    { name: 'telemetry', stop: () => telemetry.stop() },
    { name: 'database', stop: async () => (db.isInitialized ? db.destroy() : undefined) },
    { name: 'kafka health', stop: () => kafkaHealth.close() },
  ];
  const injected = composition.injectedParts ?? [];
  return {
    ...module,
    imports: [ServiceModule.with(composition.connections), ...(module.imports ?? [])],
    providers: [
      ...(module.providers ?? []),
      {
        provide: ServiceLifecycle,
        useFactory: (...instances: PartLike[]) =>
          new ServiceLifecycle(
            [
              ...connections,
              ...(composition.parts ?? []),
              ...instances.map((instance, i) => partOf(injected[i].name, instance)),
            ],
            logger,
          ),
        inject: injected.map((part) => part.token),
      },
    ],
  };
}
