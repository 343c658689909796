import type { FactoryProvider } from '@nestjs/common';
import { createLogger } from '@orgpulse/platform';
import { composeService, type ServiceComposition } from './compose-service';
import { type ServicePart, ServiceLifecycle, partOf } from './service-lifecycle';

// ServiceModule is a Nest module (ESM, which jest cannot load): the e2e tests run it
jest.mock('./service.module', () => ({ ServiceModule: { with: () => ({ module: class {} }) } }));

const logger = createLogger('lifecycle-spec', 'silent');

function recorder() {
  const steps: string[] = [];
  const part = (name: string, failing?: 'stop'): ServicePart => ({
    name,
    start: () => void steps.push(`start ${name}`),
    drain: () => void steps.push(`drain ${name}`),
    stop: () => {
      steps.push(`stop ${name}`);
      if (failing === 'stop') throw new Error(`${name} would not stop`);
    },
  });
  return { steps, part };
}

describe('ServiceLifecycle', () => {
  it.each([
    {
      given: 'parts a, b, c',
      failing: undefined,
      then: ['start a', 'start b', 'start c', 'drain c', 'drain b', 'drain a', 'stop c', 'stop b', 'stop a'],
    },
    {
      given: 'b fails to stop',
      failing: 'b',
      then: ['start a', 'start b', 'start c', 'drain c', 'drain b', 'drain a', 'stop c', 'stop b', 'stop a'],
    },
  ])(
    'given $given: starts in order, drains then stops in reverse, each whatever came before',
    async ({ failing, then }) => {
      const { steps, part } = recorder();
      const lifecycle = new ServiceLifecycle(
        ['a', 'b', 'c'].map((name) => part(name, name === failing ? 'stop' : undefined)),
        logger,
      );
      await lifecycle.onApplicationBootstrap();
      await lifecycle.beforeApplicationShutdown();
      await lifecycle.onApplicationShutdown();
      expect(steps).toEqual(then);
    },
  );

  it('refuses as a part an object without start, drain or stop (it would be left running)', () => {
    expect(() => partOf('pool', { close: () => undefined } as never)).toThrow(
      'pool has no start, drain or stop',
    );
  });

  it('keeps a part’s methods bound to it (partOf)', async () => {
    const seen: string[] = [];
    class Consumer {
      private readonly id = 'consumer-1';
      start(): void {
        seen.push(`start ${this.id}`);
      }
      stop(): Promise<void> {
        seen.push(`stop ${this.id}`);
        return Promise.resolve();
      }
    }
    const lifecycle = new ServiceLifecycle([partOf('consumer', new Consumer())], logger);
    await lifecycle.onApplicationBootstrap();
    await lifecycle.onApplicationShutdown();
    expect(seen).toEqual(['start consumer-1', 'stop consumer-1']);
  });
});

/** The lifecycle composeService gives Nest (Nest itself is ESM, which jest cannot load: e2e tests run it). */
function composedLifecycle(composition: ServiceComposition, injected: ServicePart[] = []): ServiceLifecycle {
  const module = composeService({ module: class RootModule {} }, composition);
  const provider = module.providers?.find(
    (p): p is FactoryProvider<ServiceLifecycle> =>
      typeof p === 'object' && 'provide' in p && p.provide === ServiceLifecycle,
  );
  if (!provider) throw new Error('composeService gave no lifecycle');
  return provider.useFactory(...injected) as ServiceLifecycle;
}

describe('composeService', () => {
  it('stops the parts Nest built first, then the given ones, then the connections and the telemetry last', async () => {
    const { steps, part } = recorder();
    const connections = {
      db: { isInitialized: true, destroy: () => Promise.resolve(void steps.push('close database')) },
      kafkaHealth: { close: () => Promise.resolve(void steps.push('close kafka health')) },
      telemetry: { stop: () => Promise.resolve(void steps.push('stop telemetry')), readiness: {} },
      logger,
    } as unknown as ServiceComposition['connections'];
    const lifecycle = composedLifecycle(
      {
        connections,
        parts: [part('consumer'), part('scheduler')],
        injectedParts: [{ name: 'sockets', token: 'GraphqlWs' }],
      },
      [part('sockets')],
    );
    await lifecycle.onApplicationBootstrap();
    await lifecycle.beforeApplicationShutdown();
    await lifecycle.onApplicationShutdown();
    expect(steps).toEqual([
      'start consumer',
      'start scheduler',
      'start sockets',
      'drain sockets',
      'drain scheduler',
      'drain consumer',
      'stop sockets',
      'stop scheduler',
      'stop consumer',
      'close kafka health',
      'close database',
      'stop telemetry',
    ]);
  });
});
