/**
 * The prober manager (upstream's pkg/kubelet/prober/prober_manager.go): one
 * worker per (pod, container, probe type) for the app containers and
 * sidecars that have probes, three results caches, and the answers the pod
 * worker asks of them: which containers failed liveness or startup (to be
 * restarted), which have started and which are ready (for the status).
 * Every changed result asks the kubelet to sync the pod again.
 */
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { realClock, type Clock } from '../../client/index.js';
import type { Logger } from '../../api/log.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import type { RuntimeContainer, RuntimePod } from '../pod-workers/runtime-pod.js';
import { findContainer } from '../pod-workers/runtime-pod.js';
import { ResultsCache, type ProbeType } from './results.js';
import { handlerRunner, probeContainer, type ProbeEventSink, type ProbeRunner } from './prober.js';
import { ProbeWorker, type WorkerPodView } from './worker.js';

export interface ProberManagerOptions {
  /** Runs exec probes; needed unless `runProbe` is given. */
  runtime?: RuntimeService;
  /** @default the real handlers (handlerRunner(runtime)) */
  runProbe?: ProbeRunner;
  /** Unhealthy and ProbeWarning Events. @default none */
  events?: ProbeEventSink;
  /** Called when a result of one of `pod`'s containers changed: sync the pod again. */
  onResult: (pod: Pod) => void;
  /** @default the real clock */
  clock?: Clock;
  logger?: Logger;
}

interface PodEntry {
  pod: Pod;
  runtimePod: RuntimePod;
  workers: Map<string, ProbeWorker>;
}

/** The containers that may have probes: app containers and sidecars (restartable init containers). */
function probedContainers(pod: Pod): Container[] {
  return [...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])];
}

function probeOf(c: Container, type: ProbeType): Probe | undefined {
  return type === 'Liveness' ? c.livenessProbe : type === 'Readiness' ? c.readinessProbe : c.startupProbe;
}

const TYPES: readonly ProbeType[] = ['Startup', 'Readiness', 'Liveness'];

export class ProberManager {
  private readonly pods = new Map<string, PodEntry>();
  private readonly caches: Record<ProbeType, ResultsCache>;
  private readonly runProbe: ProbeRunner;
  private readonly clock: Clock;

  constructor(private readonly o: ProberManagerOptions) {
    const changed = (_id: string, _r: unknown, uid: string): void => {
      const e = this.pods.get(uid);
      if (e) o.onResult(e.pod);
    };
    this.caches = { Liveness: new ResultsCache(changed), Readiness: new ResultsCache(changed), Startup: new ResultsCache(changed) };
    if (!o.runProbe && !o.runtime) throw new Error('ProberManager needs a runtime or a runProbe');
    this.runProbe = o.runProbe ?? handlerRunner(o.runtime!);
    this.clock = o.clock ?? realClock;
  }

  /**
   * Records the pod and what the runtime reports for it, and starts the
   * workers of probes that have none yet (upstream's AddPod; probes are
   * immutable, so a pod's set of workers never shrinks until removePod).
   */
  updatePod(pod: Pod, runtimePod: RuntimePod): void {
    const uid = pod.metadata?.uid ?? '';
    let e = this.pods.get(uid);
    if (!e) {
      e = { pod, runtimePod, workers: new Map() };
      this.pods.set(uid, e);
    }
    e.pod = pod;
    e.runtimePod = runtimePod;
    for (const c of probedContainers(pod)) {
      for (const type of TYPES) {
        const probe = probeOf(c, type);
        const key = `${c.name}/${type}`;
        if (!probe || e.workers.has(key)) continue;
        const w = new ProbeWorker({
          type, container: c, probe, results: this.caches[type], clock: this.clock,
          view: () => this.view(uid),
          runProbe: async (target) => (await probeContainer(type, probe, target, this.runProbe, this.o.events)).result,
        });
        e.workers.set(key, w);
        w.start();
      }
    }
  }

  /** Stops the pod's workers and forgets their results (upstream's RemovePod). */
  async removePod(uid: string): Promise<void> {
    const e = this.pods.get(uid);
    if (!e) return;
    this.pods.delete(uid);
    await Promise.all([...e.workers.values()].map((w) => w.stop()));
  }

  /** Pods with workers, by uid. */
  podUids(): string[] {
    return [...this.pods.keys()];
  }

  async stop(): Promise<void> {
    await Promise.all(this.podUids().map((uid) => this.removePod(uid)));
  }

  /** Containers of `pod` whose current instance failed its liveness probe. */
  livenessFailed(pod: Pod, runtimePod: RuntimePod): Set<string> {
    return this.matching(pod, runtimePod, 'Liveness', (r) => r === 'Failure');
  }

  /** Containers of `pod` whose current instance failed its startup probe. */
  startupFailed(pod: Pod, runtimePod: RuntimePod): Set<string> {
    return this.matching(pod, runtimePod, 'Startup', (r) => r === 'Failure');
  }

  /** Containers of `pod` whose current instance passed its startup probe. */
  startupSucceeded(pod: Pod, runtimePod: RuntimePod): Set<string> {
    return this.matching(pod, runtimePod, 'Startup', (r) => r === 'Success');
  }

  /** Containers that have started: no startup probe, or it passed (upstream's UpdatePodStatus). */
  started(pod: Pod, runtimePod: RuntimePod): Set<string> {
    return this.matching(pod, runtimePod, 'Startup', (r) => r === 'Success', true);
  }

  /** Containers that are ready: no readiness probe, or it passed; never before the first success. */
  ready(pod: Pod, runtimePod: RuntimePod): Set<string> {
    return this.matching(pod, runtimePod, 'Readiness', (r) => r === 'Success', true);
  }

  private matching(pod: Pod, runtimePod: RuntimePod, type: ProbeType, ok: (r: string | undefined) => boolean, withoutProbe = false): Set<string> {
    const out = new Set<string>();
    for (const c of probedContainers(pod)) {
      if (!probeOf(c, type)) {
        if (withoutProbe) out.add(c.name);
        continue;
      }
      const cur = findContainer(runtimePod, c.name);
      if (cur && ok(this.caches[type].get(cur.id))) out.add(c.name);
    }
    return out;
  }

  private view(uid: string): WorkerPodView | undefined {
    const e = this.pods.get(uid);
    if (!e) return undefined;
    const specs = new Map(probedContainers(e.pod).map((c) => [c.name, c]));
    return {
      pod: e.pod,
      podIP: e.pod.status?.podIP || e.runtimePod.sandboxes[0]?.ips[0] || '',
      container: (name) => findContainer(e.runtimePod, name),
      started: (c: RuntimeContainer) => !specs.get(c.name)?.startupProbe || this.caches.Startup.get(c.id) === 'Success',
    };
  }
}
