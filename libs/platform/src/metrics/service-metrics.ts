import { Counter, Gauge, Histogram, type Metric, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds, from a millisecond to half a minute: HTTP requests, batches, rounds and sends alike. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A route that matched nothing is one label value, however many paths clients try. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * One Prometheus registry per process: the process and Node.js runtime metrics (`process_*`,
 * `nodejs_*`), HTTP requests by route and status, caches, and whatever the app registers on it.
 * Gauges that are read rather than kept up to date are refreshed by `beforeScrape` hooks.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly scrapeHooks: (() => void | Promise<void>)[] = [];

  private readonly httpRequests = new Counter({
    name: 'orgpulse_http_requests_total',
    help: 'HTTP requests answered, by method, route (the route template) and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'orgpulse_http_request_duration_seconds',
    help: 'Time from a request received to its answer sent, by method, route and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly cacheRequests = new Counter({
    name: 'orgpulse_cache_requests_total',
    help: 'Look-ups of an in-memory cache, by cache and result (hit or miss)',
    labelNames: ['cache', 'result'],
    registers: [this.registry],
  });
  private readonly caches = new Map<string, CacheSizes>();
  private readonly listenerLosses = new Counter({
    name: 'orgpulse_notification_listener_losses_total',
    help: 'PostgreSQL LISTEN connections lost (an error, a close or an unanswered heartbeat), by listener',
    labelNames: ['listener'],
    registers: [this.registry],
  });
  private readonly listeners = new Map<string, () => boolean>();

  constructor(readonly service: string) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'orgpulse_cache_entries',
      help: 'Entries held by an in-memory cache',
      labelNames: ['cache'],
      registers: [this.registry],
      collect: collectCaches(this.caches, (sizes) => sizes.entries()),
    });
    new Gauge({
      name: 'orgpulse_cache_bytes',
      help: 'Bytes held by an in-memory cache (the values as stored), where it counts them',
      labelNames: ['cache'],
      registers: [this.registry],
      collect: collectCaches(this.caches, (sizes) => sizes.bytes?.()),
    });
    const listeners = this.listeners;
    new Gauge({
      name: 'orgpulse_notification_listener_up',
      help: '1 while a PostgreSQL LISTEN connection listens; 0 before it starts, while it is lost or reconnecting (caches built on it are bypassed, the alerter is woken by its clock alone) and once stopped',
      labelNames: ['listener'],
      registers: [this.registry],
      collect(this: Gauge) {
        this.reset();
        for (const [listener, listening] of listeners) this.set({ listener }, listening() ? 1 : 0);
      },
    });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** A cache's hits and misses, counted as they happen; its size, read at each scrape. */
  cache(name: string, sizes: CacheSizes): CacheMeter {
    this.caches.set(name, sizes);
    const hit = this.cacheRequests.labels({ cache: name, result: 'hit' });
    const miss = this.cacheRequests.labels({ cache: name, result: 'miss' });
    return { hit: () => hit.inc(), miss: () => miss.inc() };
  }

  /** A notification listener: whether it listens, read at each scrape; its losses, counted as they happen. */
  listener(name: string, listening: () => boolean): ListenerMeter {
    // two would share one series, only the last one's state shown
    if (this.listeners.has(name)) throw new Error(`a notification listener named ${name} is shown already`);
    this.listeners.set(name, listening);
    const losses = this.listenerLosses.labels({ listener: name });
    losses.inc(0);
    return { lost: () => losses.inc() };
  }

  /** Serves another registry's metrics (a component's own) with the process's. */
  adopt(registry: Registry): void {
    // the registry's own metric objects (typed as their serialisable form)
    for (const metric of registry.getMetricsAsArray() as unknown as Metric[])
      this.registry.registerMetric(metric);
  }

  beforeScrape(hook: () => void | Promise<void>): void {
    this.scrapeHooks.push(hook);
  }

  async scrape(): Promise<string> {
    for (const hook of this.scrapeHooks) await hook();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

export interface CacheSizes {
  entries(): number;
  bytes?(): number;
}

/** What a cache tells about its look-ups; `NO_CACHE_METER` where nothing listens. */
export interface CacheMeter {
  hit(): void;
  miss(): void;
}

export interface ListenerMeter {
  lost(): void;
}

export const NO_CACHE_METER: CacheMeter = { hit: () => undefined, miss: () => undefined };

function collectCaches(caches: Map<string, CacheSizes>, read: (sizes: CacheSizes) => number | undefined) {
  return function (this: Gauge) {
    this.reset();
    for (const [cache, sizes] of caches) {
      const value = read(sizes);
      if (value !== undefined) this.set({ cache }, value);
    }
  };
}
