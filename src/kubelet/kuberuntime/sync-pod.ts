/**
 * The pod worker's actor (upstream's SyncPod in
 * pkg/kubelet/kuberuntime/kuberuntime_manager.go): carries out a plan of
 * computePodActions through the CRI, in upstream's order, and reports why
 * containers it could not start are waiting. It decides nothing the plan
 * does not say.
 */
import { mkdirSync } from 'node:fs';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import type { PodSandboxConfig } from '../runtime/cri/types.js';
import type { ContainerToStart, PodActions } from '../pod-workers/pod-actions.js';
import type { RuntimePod } from '../pod-workers/runtime-pod.js';
import type { WaitingReason } from '../pod-workers/container-statuses.js';
import { findContainer } from '../pod-workers/runtime-pod.js';
import { backOffKey, type CrashLoopBackOff } from '../pod-workers/crash-loop-backoff.js';
import { formatPod } from '../pod-workers/container-helpers.js';
import { podSandboxConfig, type SandboxConfigOptions } from './sandbox-config.js';
import { containerConfig } from './container-config.js';
import { ContainerConfigError } from './env.js';
import type { ImagePuller } from './image-puller.js';
import type { PodObjects } from '../pod-objects.js';
import { VolumeManager, containerMounts, type PodVolumes } from '../volumes/index.js';

/** Upstream's minimum grace period for StopContainer. */
export const MIN_GRACE_PERIOD_SECONDS = 2;

/** Where the actor reports what it did, as the kubelet's Events on the pod (an EventRecorder fits). */
export interface PodEventSink {
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface SyncPodOptions extends SandboxConfigOptions {
  /** What the runtime reported for the pod when the plan was made. */
  runtimePod: RuntimePod;
  runtime: RuntimeService;
  images: ImagePuller;
  backOff: CrashLoopBackOff;
  logger?: Logger;
  /** @default none */
  events?: PodEventSink;
  /** Where env and volumes read ConfigMaps, Secrets and Services. */
  podObjects: PodObjects;
  /** The kubelet's root dir (pods/<uid>/volumes ...). */
  rootDir: string;
  /** Sets up the pod's volumes. @default a VolumeManager on rootDir and podObjects (no claims, no tokens) */
  volumes?: VolumeManager;
}

export interface SyncPodResult {
  /** Why containers that should have started did not (ErrImagePull, CreateContainerConfigError, RunContainerError, ...). */
  waiting: Map<string, WaitingReason>;
  /** The sandbox the containers run in ('' if none). */
  sandboxId: string;
}

/** The grace period to stop the pod's containers with: the deletion's, else the spec's, at least 2 s. */
export function gracePeriodOf(pod: Pod): number {
  const g = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(MIN_GRACE_PERIOD_SECONDS, g);
}

/**
 * Stops every container of `runtimePod` that is not exited, then every
 * sandbox that is ready (upstream's killPodWithSyncResult). Stopping is
 * idempotent in the CRI, so a retry after a partial kill is safe.
 */
export async function killPod(pod: Pod, runtimePod: RuntimePod, opts: { runtime: RuntimeService }): Promise<void> {
  const { runtime } = opts;
  const grace = gracePeriodOf(pod);
  await Promise.all(runtimePod.containers.filter((c) => c.state !== 'EXITED').map((c) => runtime.stopContainer(c.id, grace)));
  for (const s of runtimePod.sandboxes) if (s.state === 'READY') await runtime.stopPodSandbox(s.id);
}

/**
 * Carries out `plan` for `pod`:
 * 1. killPod: stop every container (its grace period) and the sandboxes;
 *    a pod being deleted stops there;
 *    then set up the pod's volumes (every sync while something runs or
 *    starts); a volume that is not ready is a FailedMount Event and the
 *    pod waits (no sandbox, no container starts);
 * 2. createSandbox: create the log directory (0755), RunPodSandbox with the
 *    plan's attempt, then remove the old init containers (a new sandbox
 *    starts the pod over);
 * 3. otherwise stop containersToKill;
 * 4. start init containers and sidecars, then app containers: ensure the
 *    image, CreateContainer (attempt = restartCount, mounts of its volumes,
 *    the managed /etc/hosts and a termination message file), StartContainer; a
 *    container restarted after an exit records its CrashLoopBackOff step.
 * A failed image or config is that container's waiting reason and the
 * others still start; a regular init container that fails to start stops
 * the sync (the next ones wait for it). Runtime errors on the sandbox or
 * a kill reject.
 */
export async function syncPod(pod: Pod, plan: PodActions, opts: SyncPodOptions): Promise<SyncPodResult> {
  const { runtimePod, runtime } = opts;
  const waiting = new Map<string, WaitingReason>();
  if (plan.killPod) {
    for (const c of runtimePod.containers) if (c.state !== 'EXITED') opts.events?.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
    await killPod(pod, runtimePod, { runtime });
    if (!plan.createSandbox) return { waiting, sandboxId: '' };
  }
  const volumeManager = opts.volumes ?? new VolumeManager({ rootDir: opts.rootDir, podObjects: opts.podObjects });
  const toStart = plan.initContainersToStart.length + plan.containersToStart.length;
  // Every sync of a pod that runs or starts something, so content volumes follow the API (upstream remounts them periodically).
  const active = plan.createSandbox || toStart > 0 || runtimePod.containers.some((c) => c.state === 'RUNNING');
  const volumes: PodVolumes = active ? await volumeManager.setUp(pod) : { podDir: volumeManager.podDir(pod.metadata?.uid ?? ''), volumes: new Map(), errors: [] };
  if (volumes.errors.length > 0) {
    for (const e of volumes.errors) opts.events?.event(pod, 'Warning', 'FailedMount', e.eventMessage);
    opts.logger?.info({ pod: podKey(pod), errors: volumes.errors.map((e) => e.eventMessage) }, 'volumes not ready: the pod waits');
    return { waiting, sandboxId: plan.createSandbox ? '' : plan.sandboxId };
  }
  const sandboxConfig: PodSandboxConfig = podSandboxConfig(pod, plan.sandboxAttempt, opts);
  let sandboxId = plan.sandboxId;
  if (plan.createSandbox) {
    mkdirSync(sandboxConfig.logDirectory!, { recursive: true, mode: 0o755 });
    sandboxId = await runtime.runPodSandbox(sandboxConfig);
    opts.logger?.info({ pod: podKey(pod), sandboxId, attempt: plan.sandboxAttempt }, 'sandbox created');
    for (const c of runtimePod.containers) if (c.type === 'init') await runtime.removeContainer(c.id);
  } else {
    await Promise.all(plan.containersToKill.map(async (k) => {
      opts.logger?.info({ pod: podKey(pod), container: k.name, reason: k.reason }, k.message);
      opts.events?.event(pod, 'Normal', 'Killing', k.message);
      await runtime.stopContainer(k.id, gracePeriodOf(pod));
    }));
  }
  if (!sandboxId) return { waiting, sandboxId };
  for (const b of plan.backOff) opts.events?.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${b.name} in pod ${formatPod(pod)}`);

  const etcHostsPath = toStart > 0 ? volumeManager.etcHosts(pod, await sandboxIPs(runtime, runtimePod, sandboxId)) : undefined;
  const mountContext = { volumes, volumeManager, ...(etcHostsPath ? { etcHostsPath } : {}) };
  const start = async (s: ContainerToStart, spec: Container): Promise<boolean> => {
    const reason = await startContainer(pod, s, spec, { sandboxId, sandboxConfig, runtime, runtimePod, fresh: plan.createSandbox, opts, mounts: mountContext });
    if (reason) {
      waiting.set(s.name, reason);
      opts.events?.event(pod, 'Warning', reason.reason === 'ImagePullBackOff' ? 'BackOff' : 'Failed', `Error: ${reason.reason}${reason.message ? `: ${reason.message}` : ''}`);
    }
    return !reason;
  };
  for (const s of plan.initContainersToStart) {
    const spec = pod.spec?.initContainers?.[s.index];
    if (!spec) continue;
    if (!(await start(s, spec)) && s.kind === 'init') return { waiting, sandboxId };
  }
  for (const s of plan.containersToStart) {
    const spec = pod.spec?.containers?.[s.index];
    if (spec) await start(s, spec);
  }
  return { waiting, sandboxId };
}

interface StartContext {
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  runtime: RuntimeService;
  runtimePod: RuntimePod;
  /** The sandbox was just created: init containers start at restart count 0 again. */
  fresh: boolean;
  opts: SyncPodOptions;
  mounts: { volumes: PodVolumes; volumeManager: VolumeManager; etcHostsPath?: string };
}

/** The sandbox's IPs, primary first: from the runtime pod, else PodSandboxStatus (a new sandbox). */
async function sandboxIPs(runtime: RuntimeService, runtimePod: RuntimePod, sandboxId: string): Promise<string[]> {
  const known = runtimePod.sandboxes.find((s) => s.id === sandboxId);
  if (known && known.ips.length > 0) return known.ips;
  const net = (await runtime.podSandboxStatus(sandboxId)).status?.network;
  return net ? [net.ip, ...(net.additionalIps ?? []).map((a) => a.ip)].filter((ip) => !!ip) : [];
}

/** One container: image, create, start. Resolves with its waiting reason on failure, undefined once started. */
async function startContainer(pod: Pod, s: ContainerToStart, spec: Container, ctx: StartContext): Promise<WaitingReason | undefined> {
  const previous = findContainer(ctx.runtimePod, s.name);
  const purged = ctx.fresh && previous?.type === 'init';
  const restartCount = previous && !purged ? previous.restartCount + 1 : 0;
  const image = await ctx.opts.images.ensure(spec, ctx.sandboxConfig);
  if ('waiting' in image) return image.waiting;
  const events = ctx.opts.events;
  events?.event(pod, 'Normal', 'Pulled', image.pulled ? `Successfully pulled image "${spec.image ?? ''}"` : `Container image "${spec.image ?? ''}" already present on machine`);
  let config;
  try {
    const { volumes, volumeManager, etcHostsPath } = ctx.mounts;
    const mounts = containerMounts(pod, spec, {
      volumes: volumes.volumes, terminationLogPath: volumeManager.terminationLogFile(pod, spec.name), ...(etcHostsPath ? { etcHostsPath } : {}),
    });
    config = containerConfig(pod, { container: spec, kind: s.kind, restartCount, imageRef: image.imageRef, mounts });
  } catch (err) {
    if (err instanceof ContainerConfigError) return { reason: 'CreateContainerConfigError', message: err.message };
    throw err;
  }
  let id: string;
  try {
    id = await ctx.runtime.createContainer(ctx.sandboxId, config, ctx.sandboxConfig);
  } catch (err) {
    return { reason: 'CreateContainerError', message: errText(err) };
  }
  events?.event(pod, 'Normal', 'Created', `Created container ${s.name}`);
  try {
    await ctx.runtime.startContainer(id);
  } catch (err) {
    return { reason: 'RunContainerError', message: errText(err) };
  }
  events?.event(pod, 'Normal', 'Started', `Started container ${s.name}`);
  if (s.lastExitedAt !== undefined) ctx.opts.backOff.next(backOffKey(pod, spec), s.lastExitedAt);
  ctx.opts.logger?.info({ pod: podKey(pod), container: s.name, containerId: id, restartCount, reason: s.reason }, 'container started');
  return undefined;
}

function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
