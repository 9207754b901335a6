/**
 * The kubelet's pod loop (upstream's pkg/kubelet/kubelet.go syncLoop and
 * pod_workers.go): an informer on the pods bound to this node feeds a work
 * queue of pod keys; the queue never runs one key twice at once, which
 * makes it one pod worker per pod. Each sync reads the runtime, plans
 * (computePodActions), acts (syncPod), reads the runtime again and writes
 * the status computed from it.
 *
 * The PLEG (pleg/) tells which pods to sync: one relist a second
 * (ListPodSandbox and ListContainers, one call each) finds the pods whose
 * sandboxes or containers changed state and has them synced. A sync reads
 * its pod's runtime view itself, before planning and again after acting:
 * planning from the PLEG's cached view raced with the sync that had just
 * acted (a container caught between create and start looked exited and was
 * started twice); upstream avoids that by waiting for a cache entry newer
 * than the last sync (GetNewerThan), which k8ts does not do yet.
 * Besides PLEG events, a pod is synced when the API, a static pod or a probe
 * result changes it; again after TRANSITION_RESYNC_MS while its init
 * containers run or it is being deleted (reading the runtime, not the cache);
 * after RETRY_RESYNC_MS while it is Pending or containers wait (back-off,
 * image pulls, mounts);
 * and every `resyncIntervalMs` otherwise (upstream's sync frequency, 1 min
 * there: k8ts keeps it shorter so that configMap and secret volumes follow
 * the API within seconds). Housekeeping every 2 s removes the sandboxes of
 * pods this node no longer has.
 *
 * Probes: the prober manager runs the liveness, readiness and startup
 * probes; a changed result syncs the pod again. Liveness and startup
 * failures feed computePodActions (the container is restarted); startup
 * and readiness results give each container's `started` and `ready`.
 *
 * Static pods (config/) run through the same sync: the pod of a key comes
 * from the static pod source first, then from the informer. A mirror pod
 * in the informer is never run; it is kept in step with its static pod
 * (mirror-pods.ts), which gets its status, or deleted when that is gone.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { EventRecorder, Informer, RESOURCES, WorkQueue, objectKey, splitKey, startController, type RestClient, type RunningController } from '../client/index.js';
import type { ImageService, RuntimeService } from './runtime/cri/services.js';
import { POD_UID_LABEL } from './pod-workers/labels.js';
import { computePodActions } from './pod-workers/compute-pod-actions.js';
import { CrashLoopBackOff } from './pod-workers/crash-loop-backoff.js';
import { generatePodStatus, waitingReasonsOf } from './pod-workers/pod-status.js';
import { ImagePuller } from './kuberuntime/image-puller.js';
import { readRuntimePod } from './kuberuntime/runtime-state.js';
import { syncPod } from './kuberuntime/sync-pod.js';
import { podCgroupUids, removePodCgroups } from './kuberuntime/pod-cgroups.js';
import { podStatusPatch } from './pod-status-patch.js';
import { CachedPodObjects, type PodObjects } from './pod-objects.js';
import { ProberManager } from './prober/manager.js';
import { VolumeManager } from './volumes/index.js';
import { isMirrorPod, type StaticPodSource } from './config/index.js';
import { MirrorPods, isGoneOrConflict } from './mirror-pods.js';
import { GenericPleg, PodCache, recordRuntimeWrites, type PodLifecycleEvent } from './pleg/index.js';
import { checkResolvConfLimits, readHostResolvConf, type KubeletDnsOptions } from './network/dns-config.js';

/**
 * How soon a pod in transition (init containers running, or being deleted)
 * is synced again, reading its runtime state: upstream learns of such
 * changes from PLEG's 1 s relist; k8ts polls that one pod, quicker.
 */
const TRANSITION_RESYNC_MS = 250;

/**
 * How soon a pod with waiting containers (CrashLoopBackOff, image pull
 * back-off, config or mount errors) is synced again, so that an expired
 * back-off or a fixed cause is acted on within this (upstream retries a
 * failed sync after its backOffPeriod, 10 s, and learns of back-off expiry
 * from the same 10 s).
 */
const RETRY_RESYNC_MS = 2000;

/** Upstream's housekeepingPeriod. */
const HOUSEKEEPING_MS = 2000;

/** Orphaned pod cgroups are looked for on one housekeeping pass in this many (every 30 s). */
const CGROUP_SWEEP_EVERY = 15;

export interface KubeletOptions {
  client: RestClient;
  /** For the pod watch, so that it does not share sockets with writes. @default client */
  informerClient?: RestClient;
  nodeName: string;
  runtime: RuntimeService;
  images: ImageService;
  logger: Logger;
  /** The node's IPs, primary first: the pods' hostIP(s). */
  hostIPs: () => readonly string[];
  /** A pod with nothing waiting and no runtime change is synced again this often. @default 10000 */
  resyncIntervalMs?: number;
  /** The PLEG's relist period. @default 1000 (upstream's) */
  relistPeriodMs?: number;
  /** Pods synced at once. @default 4 */
  workers?: number;
  /** @default /var/log/pods */
  podLogsDir?: string;
  /** The ConfigMaps, Secrets and Services that env and volumes read. @default GETs through `client`, cached 1 s */
  podObjects?: PodObjects;
  /** The kubelet's root dir (pods/<uid>/volumes ...). @default /var/lib/kubelet */
  rootDir?: string;
  /** Pods from manifests (--pod-manifest-path, --manifest-url), run beside the API's. @default none */
  staticPods?: StaticPodSource;
  /** Where the cgroup hierarchies are mounted, to remove a deleted pod's cgroup. @default /sys/fs/cgroup */
  cgroupRoot?: string;
  /** The pods' DNS (--cluster-dns, --cluster-domain, --resolv-conf). @default none: the runtime's own resolv.conf */
  dns?: KubeletDnsOptions;
}

export class Kubelet {
  readonly informer: Informer<Pod>;
  private readonly queue = new WorkQueue<string>({ name: 'kubelet-pods', metrics: false });
  private readonly backOff = new CrashLoopBackOff();
  private readonly puller: ImagePuller;
  private readonly recorder: EventRecorder;
  private readonly resyncMs: number;
  private readonly podObjects: PodObjects;
  private readonly prober: ProberManager;
  private readonly volumes: VolumeManager;
  private readonly mirrors: MirrorPods;
  /** The PLEG's; the pod workers read the runtime themselves (see the header). */
  private readonly cache = new PodCache();
  private readonly pleg: GenericPleg;
  /** Keys of pods in transition: their next sync reads the runtime, not the cache. */
  private readonly transitional = new Set<string>();
  private running: RunningController | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private housekeeping: Promise<void> = Promise.resolve();
  private housekeepingPasses = 0;
  private stopped = false;

  constructor(private readonly o: KubeletOptions) {
    this.resyncMs = o.resyncIntervalMs ?? 10_000;
    this.pleg = new GenericPleg({
      runtime: o.runtime, cache: this.cache, logger: o.logger,
      onEvents: (events) => this.onPodLifecycleEvents(events),
      ...(o.relistPeriodMs !== undefined ? { relistPeriodMs: o.relistPeriodMs } : {}),
    });
    this.podObjects = o.podObjects ?? new CachedPodObjects(o.client);
    this.volumes = new VolumeManager({ rootDir: o.rootDir ?? '/var/lib/kubelet', podObjects: this.podObjects, client: o.client, hostIPs: o.hostIPs });
    this.puller = new ImagePuller(o.images);
    this.recorder = new EventRecorder({ client: o.client, component: 'kubelet', host: o.nodeName, logger: o.logger });
    this.prober = new ProberManager({
      runtime: o.runtime, logger: o.logger,
      events: { event: (p, type, reason, message) => this.recorder.event({ ...p, apiVersion: 'v1', kind: 'Pod' }, type, reason, message) },
      onResult: (p) => { if (!this.stopped) this.queue.add(objectKey(p)); },
    });
    this.informer = new Informer<Pod>(o.informerClient ?? o.client, RESOURCES.pods, {
      fieldSelector: `spec.nodeName=${o.nodeName}`, logger: o.logger,
    });
    this.mirrors = new MirrorPods({ client: o.client, nodeName: o.nodeName, logger: o.logger });
    const enqueue = (p: Pod): void => this.queue.add(objectKey(p));
    this.informer.addEventHandler({
      onAdd: enqueue, onUpdate: (_old, p) => enqueue(p),
      onDelete: (p) => {
        // A deleted mirror pod is made again by its static pod's sync.
        if (isMirrorPod(p)) enqueue(p);
        this.scheduleHousekeeping(0);
      },
    });
    o.staticPods?.onChange((key) => {
      this.queue.add(key);
      this.scheduleHousekeeping(0);
    });
  }

  /** Starts the watch, the pod workers, the PLEG and housekeeping. */
  start(): void {
    this.running = startController({
      name: 'kubelet', queue: this.queue, informers: [this.informer], workers: this.o.workers ?? 4,
      sync: (key) => this.sync(key), logger: this.o.logger, maxRetries: -1,
    });
    this.pleg.start();
    this.scheduleHousekeeping(HOUSEKEEPING_MS);
    this.checkResolvConf();
  }

  private nodeEvent(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: this.o.nodeName, uid: this.o.nodeName } }, type, reason, message);
  }

  /** Upstream's CheckLimitsForResolvConf at start: a node Warning when the host file's search line is beyond the resolver limits. */
  private checkResolvConf(): void {
    const path = this.o.dns?.resolvConf;
    if (!path) return;
    let text: string;
    try { text = readHostResolvConf(path)!; } catch (e) {
      this.nodeEvent('Warning', 'CheckLimitsForResolvConf', (e as Error).message);
      return;
    }
    const w = checkResolvConfLimits(path, text, this.o.dns!.clusterDomain);
    if (w) this.nodeEvent('Warning', w.reason, w.message);
  }

  hasSynced(): boolean { return this.informer.hasSynced(); }

  /**
   * Stops the workers and the watch; leaves the containers running, as
   * upstream's kubelet does on exit.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.housekeepingTimer) clearTimeout(this.housekeepingTimer);
    this.queue.shutDown();
    await this.pleg.stop();
    await this.running?.stop();
    await this.housekeeping;
    await this.prober.stop();
    await this.informer.stop();
  }

  /** One sync of the pod `key`: plan, act, then write the status from what the runtime reports. */
  async sync(key: string): Promise<void> {
    const staticPod = this.o.staticPods?.get(key);
    const apiPod = this.informer.store.get(key);
    if (!staticPod && apiPod && isMirrorPod(apiPod)) {
      await this.removeOrphanedMirror(key, apiPod);
      return;
    }
    const pod = staticPod ?? apiPod;
    if (!pod || pod.spec?.nodeName !== this.o.nodeName || this.stopped) {
      this.transitional.delete(key);
      return;
    }
    await this.syncPod(key, pod, staticPod, apiPod);
  }

  private async syncPod(key: string, pod: Pod, staticPod: Pod | undefined, apiPod: Pod | undefined): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const before = await readRuntimePod(this.o.runtime, uid);
    this.prober.updatePod(pod, before);
    const plan = computePodActions(pod, before, {
      backOff: this.backOff.check(pod),
      livenessFailed: this.prober.livenessFailed(pod, before),
      startupFailed: this.prober.startupFailed(pod, before),
      startupSucceeded: this.prober.startupSucceeded(pod, before),
    });
    const writes = recordRuntimeWrites(this.o.runtime);
    const result = await syncPod(pod, plan, {
      runtimePod: before, runtime: writes.runtime, images: this.puller, backOff: this.backOff, logger: this.o.logger,
      podObjects: this.podObjects, rootDir: this.o.rootDir ?? '/var/lib/kubelet', volumes: this.volumes,
      imageService: this.o.images, hostIPs: this.o.hostIPs(),
      events: { event: (p, type, reason, message) => this.recorder.event({ ...p, apiVersion: 'v1', kind: 'Pod' }, type, reason, message) },
      ...(this.o.podLogsDir ? { podLogsDir: this.o.podLogsDir } : {}),
      ...(this.o.dns ? { dns: this.o.dns, nodeEvent: (type, reason, message) => this.nodeEvent(type, reason, message) } : {}),
    });
    const after = writes.wrote() ? await readRuntimePod(this.o.runtime, uid) : before;
    this.prober.updatePod(pod, after);
    if (pod.metadata?.deletionTimestamp) {
      await this.finishDeletion(key, pod, after);
      return;
    }
    // A static pod's status lives on its mirror pod.
    const statusOwner = staticPod ? await this.mirrors.sync(staticPod, apiPod) : pod;
    if (!statusOwner) {
      this.queue.addAfter(key, RETRY_RESYNC_MS);
      return;
    }
    const status = generatePodStatus({ ...pod, status: statusOwner.status ?? {} }, after, {
      now: Date.now(),
      hostIPs: this.o.hostIPs(),
      waiting: waitingReasonsOf(plan, result.waiting),
      podIsTerminal: plan.killPodReason === 'NoContainersToRun' || plan.killPodReason === 'InitContainerFailed',
      ready: this.prober.ready(pod, after),
      started: this.prober.started(pod, after),
    });
    const patch = podStatusPatch(statusOwner.status, status);
    if (patch) {
      const { namespace, name } = splitKey(key);
      try {
        await this.o.client.patch(RESOURCES.pods, name, patch, { namespace, subresource: 'status' });
      } catch (e) {
        if (!isGoneOrConflict(e)) throw e;
      }
    }
    // A pod whose init containers run is synced again soon, so that the next one starts without waiting a whole resync.
    const initializing = (pod.spec?.initContainers ?? []).length > 0 && status.conditions?.find((c) => c.type === 'Initialized')?.status !== 'True';
    if (initializing && status.phase === 'Pending') this.transitional.add(key);
    else this.transitional.delete(key);
    // Pending covers a pod held before its containers (volumes not ready, no sandbox yet).
    const waiting = plan.backOff.length > 0 || result.waiting.size > 0 || status.phase === 'Pending';
    this.queue.addAfter(key, this.transitional.has(key) ? TRANSITION_RESYNC_MS : waiting ? RETRY_RESYNC_MS : this.resyncMs);
  }

  /** Pods whose sandboxes or containers changed are synced (upstream's syncLoopIteration on a PLEG event). */
  private onPodLifecycleEvents(events: readonly PodLifecycleEvent[]): void {
    if (this.stopped) return;
    for (const e of events) if (e.name) this.queue.add(e.namespace ? `${e.namespace}/${e.name}` : e.name);
  }

  /**
   * A pod being deleted whose containers have all stopped: remove its
   * sandboxes, tear down its volumes (unmount, remove the pod dir) and
   * confirm the deletion (DELETE with grace period 0 and a
   * uid precondition, as upstream's status manager does). Until then the
   * pod is synced again.
   */
  private async finishDeletion(key: string, pod: Pod, after: Awaited<ReturnType<typeof readRuntimePod>>): Promise<void> {
    if (after.containers.some((c) => c.state === 'RUNNING' || c.state === 'CREATED') || after.sandboxes.some((s) => s.state === 'READY')) {
      this.queue.addAfter(key, TRANSITION_RESYNC_MS);
      return;
    }
    for (const s of after.sandboxes) await this.o.runtime.removePodSandbox(s.id);
    this.transitional.delete(key);
    await this.prober.removePod(pod.metadata?.uid ?? '');
    await this.volumes.tearDown(pod.metadata?.uid ?? '');
    await removePodCgroups(pod.metadata?.uid ?? '', this.o.cgroupRoot);
    const { namespace, name } = splitKey(key);
    try {
      await this.o.client.delete(RESOURCES.pods, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid ?? '' } });
      this.o.logger.info({ pod: key }, 'pod deletion confirmed');
    } catch (e) {
      if (!isGoneOrConflict(e)) throw e;
    }
  }

  /** A mirror pod without its static pod is deleted, once every source has been read. */
  private async removeOrphanedMirror(key: string, mirror: Pod): Promise<void> {
    if (this.o.staticPods && !this.o.staticPods.hasSynced()) {
      this.queue.addAfter(key, RETRY_RESYNC_MS);
      return;
    }
    await this.mirrors.deleteOrphan(mirror);
  }

  private scheduleHousekeeping(ms: number): void {
    if (this.stopped) return;
    if (this.housekeepingTimer) clearTimeout(this.housekeepingTimer);
    this.housekeepingTimer = setTimeout(() => {
      this.housekeepingTimer = undefined;
      this.housekeeping = this.removeOrphans()
        .catch((e: unknown) => this.o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'housekeeping failed'))
        .finally(() => this.scheduleHousekeeping(HOUSEKEEPING_MS));
    }, ms);
  }

  /**
   * Stops and removes the sandboxes (and so the containers) of pods this
   * node no longer has, then tears down the pod dirs (volumes) of pods it
   * no longer has and that have no sandbox left. Only sandboxes carrying
   * the kubelet's pod uid label are considered; nothing else in the
   * runtime is touched.
   */
  /** Uids of the pods this node has now: the API's (not mirror pods) and the static ones. */
  private knownPodUids(): Set<string> {
    return new Set([...this.informer.store.list().filter((p) => !isMirrorPod(p)), ...this.o.staticPods?.list() ?? []].map((p) => p.metadata?.uid ?? ''));
  }

  async removeOrphans(): Promise<void> {
    if (!this.informer.hasSynced() || this.stopped || (this.o.staticPods && !this.o.staticPods.hasSynced())) return;
    const known = this.knownPodUids();
    this.backOff.gc();
    for (const uid of this.prober.podUids()) if (!known.has(uid)) await this.prober.removePod(uid);
    // Uids of the pods that keep a sandbox after this pass.
    const withSandbox = new Set<string>();
    for (const s of await this.o.runtime.listPodSandbox()) {
      const uid = s.labels[POD_UID_LABEL];
      // Asked again now, not of the pass's first snapshot: a pod added since may already have its sandbox.
      if (uid && (known.has(uid) || this.knownPodUids().has(uid))) withSandbox.add(uid);
      if (!uid || withSandbox.has(uid)) continue;
      this.o.logger.info({ sandboxId: s.id, pod: `${s.labels['io.kubernetes.pod.namespace'] ?? ''}/${s.labels['io.kubernetes.pod.name'] ?? ''}`, uid }, 'removing the sandbox of a pod this node no longer has');
      const containers = await this.o.runtime.listContainers({ podSandboxId: s.id });
      await Promise.all(containers.filter((c) => c.state !== 'CONTAINER_EXITED').map((c) => this.o.runtime.stopContainer(c.id, 2)));
      await this.o.runtime.stopPodSandbox(s.id);
      await this.o.runtime.removePodSandbox(s.id);
      await removePodCgroups(uid, this.o.cgroupRoot);
    }
    // The cgroup tree is walked on one pass in CGROUP_SWEEP_EVERY: it holds other nodes' pods too on a shared machine.
    if (this.housekeepingPasses++ % CGROUP_SWEEP_EVERY === 0) {
      for (const uid of await podCgroupUids(this.o.cgroupRoot)) if (!known.has(uid) && !withSandbox.has(uid)) await removePodCgroups(uid, this.o.cgroupRoot);
    }
    // Known-ness is asked again for each directory: a pod added during this pass creates its directory meanwhile.
    const removed = await this.volumes.removeOrphanedPodDirs((uid) => withSandbox.has(uid) || known.has(uid) || this.knownPodUids().has(uid));
    if (removed.length > 0) this.o.logger.info({ uids: removed }, 'removed the volumes of pods this node no longer has');
  }
}
