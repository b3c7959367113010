/**
 * What a team watching a shared emulator scrapes at /_alikms/metrics (Prometheus text format, through prom-client):
 *   alikms_requests_total{action,code}          KMS API requests answered (code "OK" on success)
 *   alikms_request_duration_seconds{action}     their latency, as a histogram
 *   alikms_throttled_requests_total{action}     requests refused for an instance's Spec (Rejected.Throttling)
 *   alikms_keys{state,spec}                     keys, every account and region (counted at scrape time)
 *   alikms_instances{kind}                      KMS instances, every account and region (counted at scrape time)
 *   alikms_lifecycle_events_total{kind}         rotations, deletions and material expiries this process applied
 * plus prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC).
 *
 * Requests are counted from the one report per answered request (wire/server.ts `observe`), so the request path pays
 * only a counter and a histogram update; the key and instance counts are the store's, asked at scrape time. Labels
 * are action names and error codes from our own tables, never caller input, so the series stay few. Each emulator has
 * its own registry: several in one process (tests) do not mix.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Kms } from '../domain/kms';
import type { EventKind } from '../domain/lifecycle';
import type { RequestRecord } from './server';

export interface Metrics {
  /** Counts one answered KMS API request. */
  observe(record: RequestRecord): void;
  /** The exposition: its content type and text. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

/** Latency buckets in seconds: most calls answer in a millisecond or two; a PostgreSQL store or an HSM is slower. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics(kms: Kms): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'alikms_requests_total',
    help: 'KMS API requests answered, by action and error code (OK on success)',
    labelNames: ['action', 'code'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'alikms_request_duration_seconds',
    help: 'Time from receiving a KMS API request to answering it, by action',
    labelNames: ['action'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const throttled = new Counter({
    name: 'alikms_throttled_requests_total',
    help: "KMS API requests refused for their instance's Spec (QPS), by action",
    labelNames: ['action'] as const,
    registers,
  });
  new Gauge({
    name: 'alikms_keys',
    help: 'Keys by state and spec, over every account and region',
    labelNames: ['state', 'spec'] as const,
    registers,
    async collect() {
      const keys = await kms.countKeys();
      this.reset();
      for (const k of keys) this.set({ state: k.keyState, spec: k.keySpec }, k.count);
    },
  });
  new Gauge({
    name: 'alikms_instances',
    help: 'KMS instances by kind, over every account and region',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      const instances = await kms.countInstances();
      this.reset();
      for (const i of instances) this.set({ kind: i.kind }, i.count);
    },
  });
  new Counter({
    name: 'alikms_lifecycle_events_total',
    help: 'Timed key events this process applied: automatic rotations, deletions at the end of their window, material expiries',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      // The domain keeps the totals; the counter shows them as they are.
      this.reset();
      for (const [kind, n] of Object.entries(kms.lifecycle.applied) as [EventKind, number][]) this.inc({ kind }, n);
    },
  });

  return {
    observe(r) {
      const action = r.action ?? 'unknown';
      requests.inc({ action, code: r.code ?? 'OK' });
      latency.observe({ action }, r.latencyMs / 1000);
      if (r.code === 'Rejected.Throttling') throttled.inc({ action });
    },
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
