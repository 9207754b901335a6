/**
 * The scheduler's Prometheus metrics, in prom-client's global registry under
 * upstream's names. Created once per process and shared by every scheduler
 * in it.
 */
import { Counter, Gauge, Histogram, register } from 'prom-client';

export interface SchedulerMetrics {
  scheduleAttempts: Counter<'result' | 'profile'>;
  attemptDuration: Histogram<'result' | 'profile'>;
  podSchedulingSli: Histogram<'attempts'>;
  e2eDuration: Histogram<'result' | 'profile'>;
  pendingPods: Gauge<'queue'>;
  preemptionAttempts: Counter;
  preemptionVictims: Histogram;
}

let metrics: SchedulerMetrics | undefined;

function existing<T>(name: string): T | undefined {
  return register.getSingleMetric(name) as T | undefined;
}

const buckets = (start: number, factor: number, count: number): number[] => Array.from({ length: count }, (_, i) => start * factor ** i);

export function schedulerMetrics(): SchedulerMetrics {
  if (metrics) return metrics;
  metrics = {
    scheduleAttempts: existing('scheduler_schedule_attempts_total') ?? new Counter({
      name: 'scheduler_schedule_attempts_total', labelNames: ['result', 'profile'] as const,
      help: 'Number of attempts to schedule pods, by the result. \'unschedulable\' means a pod could not be scheduled, while \'error\' means an internal scheduler problem.',
    }),
    attemptDuration: existing('scheduler_scheduling_attempt_duration_seconds') ?? new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds', labelNames: ['result', 'profile'] as const,
      help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)', buckets: buckets(0.001, 2, 15),
    }),
    e2eDuration: existing('scheduler_e2e_scheduling_duration_seconds') ?? new Histogram({
      name: 'scheduler_e2e_scheduling_duration_seconds', labelNames: ['result', 'profile'] as const,
      help: 'E2e scheduling latency in seconds (scheduling algorithm + binding).', buckets: buckets(0.001, 2, 15),
    }),
    podSchedulingSli: existing('scheduler_pod_scheduling_sli_duration_seconds') ?? new Histogram({
      name: 'scheduler_pod_scheduling_sli_duration_seconds', labelNames: ['attempts'] as const,
      help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.',
      buckets: buckets(0.01, 2, 20),
    }),
    pendingPods: existing('scheduler_pending_pods') ?? new Gauge({
      name: 'scheduler_pending_pods', labelNames: ['queue'] as const,
      help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods.",
    }),
    preemptionAttempts: existing('scheduler_preemption_attempts_total') ?? new Counter({
      name: 'scheduler_preemption_attempts_total', help: 'Total preemption attempts in the cluster till now',
    }),
    preemptionVictims: existing('scheduler_preemption_victims') ?? new Histogram({
      name: 'scheduler_preemption_victims', help: 'Number of selected preemption victims', buckets: buckets(1, 2, 7),
    }),
  };
  return metrics;
}
