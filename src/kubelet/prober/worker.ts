/**
 * One probe of one container of one pod (upstream's worker in
 * pkg/kubelet/prober/worker.go): probes every periodSeconds and writes the
 * result to its type's cache once successThreshold passes or
 * failureThreshold failures come in a row.
 */
import type { Clock, TimerHandle } from '../../client/index.js';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { RuntimeContainer } from '../pod-workers/runtime-pod.js';
import { initialResult, type ProbeResult, type ProbeType, type ResultsCache } from './results.js';
import type { ProbeTarget } from './prober.js';

/** What a worker reads of its pod, refreshed by every kubelet sync. */
export interface WorkerPodView {
  pod: Pod;
  /** The container's current instance, if the runtime has one. */
  container(name: string): RuntimeContainer | undefined;
  /** Whether the instance passed its startup probe (true when it has none). */
  started(c: RuntimeContainer): boolean;
  podIP: string;
}

export interface WorkerOptions {
  type: ProbeType;
  container: Container;
  probe: Probe;
  results: ResultsCache;
  /** The pod's current view; undefined when the kubelet does not know the pod (yet). */
  view: () => WorkerPodView | undefined;
  /** One probe; resolves Unknown when the probe errored. */
  runProbe: (target: ProbeTarget) => Promise<ProbeResult>;
  clock: Clock;
}

export class ProbeWorker {
  readonly type: ProbeType;
  private containerId = '';
  private lastResult: ProbeResult = 'Unknown';
  private resultRun = 0;
  /** A liveness or startup failure was reported: wait for a new container instance. */
  private onHold = false;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly o: WorkerOptions) {
    this.type = o.type;
  }

  /** The container instance this worker currently probes ('' before the first). */
  get currentContainerId(): string {
    return this.containerId;
  }

  /**
   * Probes now, then every periodSeconds, until doProbe says stop or stop()
   * is called. (Upstream first sleeps a random part of the period when the
   * kubelet started less than a period ago, to spread probes after a
   * restart; k8ts does not.)
   */
  start(): void {
    const period = Math.max(1, this.o.probe.periodSeconds ?? 10) * 1000;
    const tick = (): void => {
      this.timer = undefined;
      this.done = this.doProbe().then((keep) => {
        if (keep && !this.stopped) this.timer = this.o.clock.setTimer(tick, period);
        else this.stopped = true;
      }, () => {
        if (!this.stopped) this.timer = this.o.clock.setTimer(tick, period);
      });
    };
    tick();
  }

  /** Stops probing and drops this worker's result; resolves once a running probe has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.done;
    if (this.containerId) this.o.results.remove(this.containerId);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * One round (upstream's doProbe). Resolves false when the worker should
   * stop: the pod is terminal, the container exited under restartPolicy
   * Never, or the pod is being deleted (liveness and startup then report
   * Success and stop; readiness keeps going).
   */
  async doProbe(): Promise<boolean> {
    const view = this.o.view();
    if (!view) return true;
    const { pod } = view;
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') return false;
    const c = view.container(this.o.container.name);
    if (!c) return true;
    const uid = pod.metadata?.uid ?? '';
    if (c.id !== this.containerId) {
      if (this.containerId) this.o.results.remove(this.containerId);
      this.containerId = c.id;
      this.o.results.set(c.id, initialResult(this.type), uid);
      this.onHold = false;
    }
    if (this.onHold) return true;
    if (c.state !== 'RUNNING') {
      this.o.results.set(c.id, 'Failure', uid);
      return c.state !== 'EXITED' || pod.spec?.restartPolicy !== 'Never';
    }
    if (pod.metadata?.deletionTimestamp && (this.type === 'Liveness' || this.type === 'Startup')) {
      this.o.results.set(c.id, 'Success', uid);
      return false;
    }
    const runningSeconds = Math.floor((this.o.clock.now() - c.startedAt) / 1000);
    if (runningSeconds < (this.o.probe.initialDelaySeconds ?? 0)) return true;
    const started = view.started(c);
    if (started && this.type === 'Startup') return true;
    if (!started && this.type !== 'Startup') return true;

    const result = await this.o.runProbe({ pod, container: this.o.container, containerId: c.id, podIP: view.podIP });
    if (result === 'Unknown' || this.stopped) return true;
    if (result === this.lastResult) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const failureThreshold = this.o.probe.failureThreshold ?? 3;
    const successThreshold = this.o.probe.successThreshold ?? 1;
    if ((result === 'Failure' && this.resultRun < failureThreshold) || (result === 'Success' && this.resultRun < successThreshold)) return true;
    this.o.results.set(c.id, result, uid);
    if ((this.type === 'Liveness' || this.type === 'Startup') && result === 'Failure') {
      // The container will be restarted: stop probing it until then.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
