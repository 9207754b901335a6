/**
 * The API server's Prometheus metrics, named as upstream names them where
 * there is an upstream counterpart.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../storage/store.js';

export class ApiServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total', help: 'Requests by verb, group, version, resource, subresource and HTTP code.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'code'] as const, registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'Request latency by verb and resource (watches excluded).',
    labelNames: ['verb', 'group', 'resource', 'subresource'] as const, registers: [this.registry],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  readonly inflight = new Gauge({
    name: 'apiserver_current_inflight_requests', help: 'Requests being served now (watches excluded).',
    registers: [this.registry],
  });
  readonly watches = new Gauge({
    name: 'apiserver_registered_watchers', help: 'Open watch streams.', registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'apiserver_storage_request_duration_seconds', help: 'Store operation latency by operation.',
    labelNames: ['operation'] as const, registers: [this.registry],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  readonly rejected = new Counter({
    name: 'apiserver_dropped_requests_total', help: 'Requests refused with 429 because of the in-flight limit.',
    registers: [this.registry],
  });

  readonly uncaught = new Counter({
    name: 'k8ts_uncaught_errors_total',
    help: 'Errors that escaped every handler and reached the process-level guard, by kind (exception or rejection). Each is a bug.',
    labelNames: ['kind'] as const, registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Wraps a store so that every call is timed in storeLatency. */
  instrument(store: Store): Store {
    const h = this.storeLatency;
    const timed = <T>(op: string, p: Promise<T>): Promise<T> => {
      const end = h.startTimer({ operation: op });
      return p.finally(() => end());
    };
    return {
      currentRevision: () => store.currentRevision(),
      compactedRevision: () => store.compactedRevision(),
      get: (k) => timed('get', store.get(k)),
      list: (p, o) => timed('list', store.list(p, o)),
      count: (p) => timed('count', store.count(p)),
      create: (k, v) => timed('create', store.create(k, v)),
      update: (k, v, r) => timed('update', store.update(k, v, r)),
      delete: (k, r) => timed('delete', store.delete(k, r)),
      watch: (p, r, l) => store.watch(p, r, l),
      compact: (r) => timed('compact', store.compact(r)),
      close: () => store.close(),
    };
  }
}
