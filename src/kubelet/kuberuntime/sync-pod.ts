/**
 * The pod worker's actor (upstream's SyncPod in
 * pkg/kubelet/kuberuntime/kuberuntime_manager.go): carries out a plan of
 * computePodActions through the CRI, in upstream's order, and reports why
 * containers it could not start are waiting. It decides nothing the plan
 * does not say.
 */
import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { ImageService, RuntimeService } from '../runtime/cri/services.js';
import type { PodSandboxConfig } from '../runtime/cri/types.js';
import type { ContainerToStart, PodActions } from '../pod-workers/pod-actions.js';
import type { RuntimePod } from '../pod-workers/runtime-pod.js';
import type { WaitingReason } from '../pod-workers/container-statuses.js';
import { findContainer } from '../pod-workers/runtime-pod.js';
import { backOffKey, type CrashLoopBackOff } from '../pod-workers/crash-loop-backoff.js';
import { formatPod } from '../pod-workers/container-helpers.js';
import { podSandboxConfig, type SandboxConfigOptions } from './sandbox-config.js';
import { containerConfig } from './container-config.js';
import { ContainerConfigError, makeEnvironmentVariables } from './env.js';
import { imageUser } from './image-user.js';
import type { ImageUser } from './security-context.js';
import { createTerminationMessageFile, terminationMessageMount } from './termination-message.js';
import type { ImagePuller } from './image-puller.js';
import type { PodObjects } from '../pod-objects.js';

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
  /** Where the image's user is read (ImageStatus) for runAsNonRoot and the default user. @default unknown: root */
  imageService?: ImageService;
  /** The node's IPs, primary first, for the downward API. @default none */
  hostIPs?: readonly string[];
  /** The node's allocatable amounts, cpu in millicores, memory in bytes. @default this host's cpus and memory */
  nodeAllocatable?: Readonly<Record<string, number>>;
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
 * 2. createSandbox: create the log directory (0755), RunPodSandbox with the
 *    plan's attempt, then remove the old init containers (a new sandbox
 *    starts the pod over);
 * 3. otherwise stop containersToKill;
 * 4. start init containers and sidecars, then app containers: ensure the
 *    image, CreateContainer (attempt = restartCount), StartContainer; a
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
  const podIPs = plan.createSandbox ? await sandboxIPs(runtime, sandboxId) : runtimePod.sandboxes.find((x) => x.id === sandboxId)?.ips ?? [];
  for (const b of plan.backOff) opts.events?.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${b.name} in pod ${formatPod(pod)}`);

  const start = async (s: ContainerToStart, spec: Container): Promise<boolean> => {
    const reason = await startContainer(pod, s, spec, { sandboxId, sandboxConfig, runtime, runtimePod, fresh: plan.createSandbox, podIPs, opts });
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
  /** The sandbox's IPs, primary first. */
  podIPs: readonly string[];
  opts: SyncPodOptions;
}

async function sandboxIPs(runtime: RuntimeService, sandboxId: string): Promise<string[]> {
  const network = (await runtime.podSandboxStatus(sandboxId)).status?.network;
  return [network?.ip ?? '', ...(network?.additionalIps ?? []).map((a) => a.ip)].filter((ip) => !!ip);
}

function hostAllocatable(): Record<string, number> {
  return { cpu: cpus().length * 1000, memory: totalmem() };
}

/**
 * What the pure containerConfig needs from outside (upstream's
 * GenerateRunContainerOptions and getImageUser): the environment, the
 * image's user and a termination-log mount. Rejects with
 * ContainerConfigError for what the env cannot resolve.
 */
async function containerRunOptions(pod: Pod, spec: Container, imageRef: string, ctx: StartContext) {
  const { opts } = ctx;
  const allocatable = opts.nodeAllocatable ?? hostAllocatable();
  let user: ImageUser | undefined;
  try {
    if (opts.imageService) user = await imageUser(opts.imageService, imageRef);
  } catch (err) {
    throw new ContainerConfigError(errText(err));
  }
  const envs = await makeEnvironmentVariables(pod, spec, {
    podObjects: opts.podObjects, podIPs: ctx.podIPs, hostIPs: opts.hostIPs ?? [], allocatable,
    warn: (reason, message) => opts.events?.event(pod, 'Warning', reason, message),
  });
  const mount = terminationMessageMount(opts.rootDir, pod, spec);
  return { envs, memoryCapacity: totalmem(), rootDir: opts.rootDir, ...(user ? { imageUser: user } : {}), ...(mount ? { terminationMessageMount: mount } : {}) };
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
    const run = await containerRunOptions(pod, spec, image.imageRef, ctx);
    config = containerConfig(pod, { container: spec, kind: s.kind, restartCount, imageRef: image.imageRef, ...run });
    if (run.terminationMessageMount) {
      try {
        await createTerminationMessageFile(run.terminationMessageMount);
      } catch (err) { // as upstream: the container runs without its termination log
        ctx.opts.logger?.error({ pod: podKey(pod), container: s.name, err: errText(err) }, 'error on creating termination-log file');
        config.mounts = config.mounts?.filter((m) => m !== run.terminationMessageMount);
      }
    }
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
