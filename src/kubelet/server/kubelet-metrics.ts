/**
 * GET /metrics: the kubelet's own metrics (upstream pkg/kubelet/metrics/metrics.go),
 * the ones k8ts has so far, plus the process metrics of prom-client:
 * - kubelet_node_name{node} 1;
 * - kubelet_running_pods: pods with a ready sandbox, read from the runtime at scrape;
 * - kubelet_running_containers{container_state}: the runtime's containers by state;
 * - kubelet_pod_start_duration_seconds: from the kubelet first seeing a pod
 *   to the pod reported Running (observed by PodStartTracker);
 * - kubelet_http_inflight_requests{method,path,server_type,long_running}:
 *   so far only the long-running ones, the exec/attach/portForward sessions.
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RuntimeService } from '../runtime/cri/services.js';
import { POD_UID_LABEL } from '../pod-workers/labels.js';

/** Upstream's buckets for kubelet_pod_start_duration_seconds. */
export const POD_START_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

const CONTAINER_STATES = ['created', 'running', 'exited', 'unknown'] as const;

export class KubeletMetrics {
  readonly registry = new Registry();
  readonly podStartDuration: Histogram;
  readonly httpInflightRequests: Gauge;

  constructor(nodeName: string, runtime: Pick<RuntimeService, 'listPodSandbox' | 'listContainers'>, opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    new Gauge({ name: 'kubelet_node_name', help: '[ALPHA] The node\'s name. The count is always 1.', labelNames: ['node'], registers }).set({ node: nodeName }, 1);
    new Gauge({
      name: 'kubelet_running_pods', help: '[ALPHA] Number of pods that have a running pod sandbox', registers,
      async collect() {
        const sandboxes = await runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' } });
        this.set(new Set(sandboxes.map((s) => s.labels[POD_UID_LABEL] ?? s.id)).size);
      },
    });
    new Gauge({
      name: 'kubelet_running_containers', help: '[ALPHA] Number of containers currently running', labelNames: ['container_state'], registers,
      async collect() {
        const counts = new Map<string, number>(CONTAINER_STATES.map((s) => [s, 0]));
        for (const c of await runtime.listContainers()) {
          const state = c.state.replace(/^CONTAINER_/, '').toLowerCase();
          counts.set(state, (counts.get(state) ?? 0) + 1);
        }
        for (const [state, n] of counts) this.set({ container_state: state }, n);
      },
    });
    this.podStartDuration = new Histogram({
      name: 'kubelet_pod_start_duration_seconds',
      help: '[ALPHA] Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
      buckets: POD_START_BUCKETS, registers,
    });
    this.httpInflightRequests = new Gauge({
      name: 'kubelet_http_inflight_requests', help: '[ALPHA] Number of the inflight http requests',
      labelNames: ['method', 'path', 'server_type', 'long_running'], registers,
    });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
