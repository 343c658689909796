import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ServiceMetrics, UNMATCHED_ROUTE } from './service-metrics';

describe('ServiceMetrics', () => {
  it('serves process and runtime metrics, HTTP requests by route and status, and caches', async () => {
    const metrics = new ServiceMetrics('test');
    metrics.observeHttp('POST', '/v1/events', 202, 0.012);
    metrics.observeHttp('GET', UNMATCHED_ROUTE, 404, 0.001);
    let entries = 3;
    const meter = metrics.cache('keys', { entries: () => entries, bytes: () => 120 });
    meter.hit();
    meter.hit();
    meter.miss();
    entries = 4;
    const text = await metrics.scrape();
    const types = Object.fromEntries(parsePrometheusTextFormat(text).map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      process_cpu_seconds_total: 'COUNTER',
      nodejs_eventloop_lag_seconds: 'GAUGE',
      orgpulse_http_requests_total: 'COUNTER',
      orgpulse_http_request_duration_seconds: 'HISTOGRAM',
      orgpulse_cache_requests_total: 'COUNTER',
      orgpulse_cache_entries: 'GAUGE',
      orgpulse_cache_bytes: 'GAUGE',
    });
    expect(text).toContain('orgpulse_http_requests_total{method="POST",route="/v1/events",status="202"} 1');
    expect(text).toContain('orgpulse_cache_requests_total{cache="keys",result="hit"} 2');
    expect(text).toContain('orgpulse_cache_entries{cache="keys"} 4');
    expect(text).toContain('orgpulse_cache_bytes{cache="keys"} 120');
  });

  it("shows a notification listener's state as read at each scrape, and its losses from 0", async () => {
    const metrics = new ServiceMetrics('test');
    let listening = false;
    const meter = metrics.listener('orgpulse-test-listener', () => listening);
    expect(await metrics.scrape()).toContain(
      'orgpulse_notification_listener_up{listener="orgpulse-test-listener"} 0',
    );
    expect(await metrics.scrape()).toContain(
      'orgpulse_notification_listener_losses_total{listener="orgpulse-test-listener"} 0',
    );
    listening = true;
    meter.lost();
    const text = await metrics.scrape();
    expect(text).toContain('orgpulse_notification_listener_up{listener="orgpulse-test-listener"} 1');
    expect(text).toContain(
      'orgpulse_notification_listener_losses_total{listener="orgpulse-test-listener"} 1',
    );
    expect(() => metrics.listener('orgpulse-test-listener', () => true)).toThrow(/shown already/);
  });

  it('refreshes what is read rather than kept before each scrape', async () => {
    const metrics = new ServiceMetrics('test');
    const hook = jest.fn();
    metrics.beforeScrape(hook);
    await metrics.scrape();
    expect(hook).toHaveBeenCalledTimes(1);
  });
});
