/** Prometheus metrics, one registry per process, passed to whoever records. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  jobs: Gauge<'queue' | 'state'>;
  syncLatency: Histogram<'feature' | 'provider'>;
  providerRequests: Counter<'provider' | 'outcome'>;
  accountsByStatus: Gauge<'status'>;
  /** Registers work to do right before each scrape (gauges read from the database). */
  onScrape(fn: () => Promise<void>): void;
}

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  const scrapeHooks: (() => Promise<void>)[] = [];
  // prom-client awaits each gauge's collect() before reading it, for all metrics at once: the
  // gauges share one in-flight refresh per scrape.
  let inFlight: Promise<void> | undefined;
  const beforeScrape = (): Promise<void> => {
    inFlight ??= Promise.all(scrapeHooks.map((fn) => fn())).then(
      () => {
        inFlight = undefined;
      },
      () => {
        inFlight = undefined;
      },
    );
    return inFlight;
  };
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'tandem_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'tandem_http_request_duration_seconds',
      help: 'API request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    jobs: new Gauge({ name: 'tandem_jobs', help: 'Jobs by queue and state', labelNames: ['queue', 'state'], registers: [registry], collect: beforeScrape }),
    syncLatency: new Histogram({
      name: 'tandem_sync_duration_seconds',
      help: 'Duration of one sync run',
      labelNames: ['feature', 'provider'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    providerRequests: new Counter({
      name: 'tandem_provider_requests_total',
      help: 'Provider calls by outcome (ok or ProviderError kind)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    accountsByStatus: new Gauge({ name: 'tandem_accounts', help: 'Connected accounts by status', labelNames: ['status'], registers: [registry], collect: beforeScrape }),
    onScrape: (fn) => {
      scrapeHooks.push(fn);
    },
  };
}
