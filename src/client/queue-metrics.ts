/**
 * Work-queue metrics with upstream's names (workqueue_depth,
 * workqueue_adds_total, workqueue_retries_total, workqueue_queue_duration_seconds,
 * workqueue_work_duration_seconds), labelled by queue `name`.
 */
import { Counter, Gauge, Histogram, register as defaultRegistry, type Registry } from 'prom-client';

export interface QueueMetrics {
  /** Failed syncs per controller (the runner's `name`); upstream has no counterpart beyond retries. */
  readonly syncErrors: Counter<'name'>;
  readonly depth: Gauge<'name'>;
  readonly adds: Counter<'name'>;
  readonly retries: Counter<'name'>;
  readonly queueDuration: Histogram<'name'>;
  readonly workDuration: Histogram<'name'>;
}

const byRegistry = new WeakMap<Registry, QueueMetrics>();
const BUCKETS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100];

/** The queue metrics registered in `registry` (created once per registry). */
export function queueMetrics(registry: Registry = defaultRegistry): QueueMetrics {
  let m = byRegistry.get(registry);
  if (m) return m;
  const registers = [registry];
  m = {
    syncErrors: new Counter({ name: 'controller_sync_errors_total', help: 'Syncs that failed, by controller', labelNames: ['name'], registers }),
    depth: new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers }),
    adds: new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers }),
    retries: new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers }),
    queueDuration: new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested.', labelNames: ['name'], buckets: BUCKETS, registers }),
    workDuration: new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes.', labelNames: ['name'], buckets: BUCKETS, registers }),
  };
  byRegistry.set(registry, m);
  return m;
}
