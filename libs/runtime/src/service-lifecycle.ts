import type {
  BeforeApplicationShutdown,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { type Logger, describeError } from '@orgpulse/platform';

/** Something a service runs beside its HTTP routes: a consumer, a scheduler, a connection. */
export interface ServicePart {
  /** names it in the shutdown log */
  readonly name: string;
  /** once the app is built, before it listens; parts start in the order given */
  start?(): Promise<void> | void;
  /** at shutdown, before the HTTP server closes: what would hold it open (long-lived sockets) */
  drain?(): Promise<void> | void;
  /** at shutdown, once the HTTP server has finished its requests; parts stop in reverse order */
  stop?(): Promise<void> | void;
}

/**
 * The one lifecycle of every app: its parts start in order; at shutdown they stop in reverse, each
 * whatever the one before did, and the shared connections and the telemetry (spans flushed) close last.
 * Nest calls the hooks of one module's providers concurrently, so the order lives here, not in providers.
 */
export class ServiceLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly parts: readonly ServicePart[],
    private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const part of this.parts) await part.start?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const part of [...this.parts].reverse()) await this.settle(part, 'drain');
  }

  async onApplicationShutdown(): Promise<void> {
    const started = performance.now();
    this.logger.info('HTTP server closed; stopping');
    for (const part of [...this.parts].reverse()) await this.settle(part, 'stop');
    this.logger.info({ ms: Math.round(performance.now() - started) }, 'stopped');
  }

  private async settle(part: ServicePart, step: 'drain' | 'stop'): Promise<void> {
    try {
      await part[step]?.();
    } catch (error) {
      // the parts after it still close: a failed step must not leave connections open
      this.logger.warn({ err: describeError(error), part: part.name, step }, 'a part failed to stop cleanly');
    }
  }
}

type Step = () => Promise<unknown> | void;

/** What partOf takes: an object with some of a part's methods, named or not. */
export interface PartLike {
  start?: Step;
  drain?: Step;
  stop?: Step;
}

/** An object with start/drain/stop methods of its own as a part (the methods bound to it). */
export function partOf(name: string, target: PartLike): ServicePart {
  const bound = (step: keyof PartLike) => {
    const method = target[step];
    return method && (async () => void (await method.call(target)));
  };
  const part = { name, start: bound('start'), drain: bound('drain'), stop: bound('stop') };
  // a part named after a close() or dispose() of its own would otherwise be left running, silently
  if (!part.start && !part.drain && !part.stop) throw new Error(`${name} has no start, drain or stop`);
  return part;
}
