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
import { executePreStopHook, runPostStartHook, POST_START_HOOK_ERROR, type HookTarget } from './lifecycle-hooks.js';
import { VolumeManager, containerMounts, type PodVolumes } from '../volumes/index.js';
import { podDnsConfig, readHostResolvConf, type KubeletDnsOptions } from '../network/dns-config.js';

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
  /** Where the image's user is read (ImageStatus) for runAsNonRoot and the default user. @default unknown: root */
  imageService?: ImageService;
  /** The node's IPs, primary first, for the downward API. @default none */
  hostIPs?: readonly string[];
  /** The node's allocatable amounts, cpu in millicores, memory in bytes. @default this host's cpus and memory */
  nodeAllocatable?: Readonly<Record<string, number>>;
  /** The pods' DNS (--cluster-dns, --cluster-domain, --resolv-conf). @default none: the runtime's own resolv.conf */
  dns?: KubeletDnsOptions;
  /** Where Warning Events about the node go (MissingClusterDNS). @default none */
  nodeEvent?(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface SyncPodResult {
  /** Why containers that should have started did not (ErrImagePull, CreateContainerConfigError, RunContainerError, ...). */
  waiting: Map<string, WaitingReason>;
  /** The sandbox the containers run in ('' if none). */
  sandboxId: string;
}

/**
 * The grace period of one container's kill before its preStop hook
 * (upstream's setTerminationGracePeriod): the deletion's, else a failed
 * liveness or startup probe's own terminationGracePeriodSeconds, else the
 * pod's (30 when unset).
 */
export function killGracePeriod(pod: Pod, spec: Container | undefined, reason?: string): number {
  if (pod.metadata?.deletionGracePeriodSeconds != null) return pod.metadata.deletionGracePeriodSeconds;
  const probe = reason === 'LivenessProbe' ? spec?.livenessProbe : reason === 'StartupProbe' ? spec?.startupProbe : undefined;
  return probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

/** What killContainer needs beyond the runtime. */
export interface KillOptions {
  runtime: RuntimeService;
  events?: PodEventSink;
  logger?: Logger;
  /** The pod's IP for preStop httpGet hooks. */
  podIP: () => Promise<string>;
}

/**
 * Kills one container (upstream's killContainer): a Normal Event Killing
 * with `message`, the preStop hook of a running container within the grace
 * period, then StopContainer with what is left of it (at least 2 s): the
 * runtime sends SIGTERM, then SIGKILL when that runs out.
 */
export async function killContainer(pod: Pod, c: { id: string; name: string; state?: string }, kill: { reason?: string; message: string }, opts: KillOptions): Promise<void> {
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === c.name);
  opts.events?.event(pod, 'Normal', 'Killing', kill.message);
  let grace = killGracePeriod(pod, spec, kill.reason);
  if (spec?.lifecycle?.preStop && grace > 0 && (c.state === undefined || c.state === 'RUNNING')) {
    const target: HookTarget = { pod, container: spec, containerId: c.id, runtime: opts.runtime, podIP: opts.podIP };
    grace -= await executePreStopHook(target, grace, { ...(opts.events ? { events: opts.events } : {}), ...(opts.logger ? { logger: opts.logger } : {}) });
  }
  await opts.runtime.stopContainer(c.id, Math.max(MIN_GRACE_PERIOD_SECONDS, grace));
}

/** The pod's IP: its status's, else its newest sandbox's, else asked of the runtime. */
function podIPOf(pod: Pod, runtimePod: RuntimePod, runtime: RuntimeService, sandboxId: () => string): () => Promise<string> {
  return async () => {
    const known = pod.status?.podIP || runtimePod.sandboxes.find((s) => s.id === sandboxId())?.ips[0];
    if (known) return known;
    const id = sandboxId();
    const ip = id ? (await runtime.podSandboxStatus(id)).status?.network?.ip : undefined;
    if (!ip) throw new Error('failed to find networking container: the pod has no IP');
    return ip;
  };
}

/**
 * Stops every container of `runtimePod` that is not exited (each through
 * killContainer, in parallel), then every sandbox that is ready (upstream's
 * killPodWithSyncResult). Stopping is idempotent in the CRI, so a retry
 * after a partial kill is safe.
 */
export async function killPod(pod: Pod, runtimePod: RuntimePod, opts: Omit<KillOptions, 'podIP'> & { podIP?: () => Promise<string> }): Promise<void> {
  const { runtime } = opts;
  const kill: KillOptions = { ...opts, podIP: opts.podIP ?? podIPOf(pod, runtimePod, runtime, () => runtimePod.sandboxes[0]?.id ?? '') };
  await Promise.all(runtimePod.containers.filter((c) => c.state !== 'EXITED')
    .map((c) => killContainer(pod, c, { message: `Stopping container ${c.name}` }, kill)));
  for (const s of runtimePod.sandboxes) if (s.state === 'READY') await runtime.stopPodSandbox(s.id);
}

/**
 * Carries out `plan` for `pod`:
 * 1. killPod: stop every container (preStop hook, then the rest of its
 *    grace period) and the sandboxes;
 *    a pod being deleted stops there;
 *    then set up the pod's volumes (every sync while something runs or
 *    starts); a volume that is not ready is a FailedMount Event and the
 *    pod waits (no sandbox, no container starts);
 * 2. createSandbox: create the log directory (0755), RunPodSandbox with the
 *    plan's attempt, then remove the old init containers (a new sandbox
 *    starts the pod over);
 * 3. otherwise stop containersToKill;
 * 4. start ephemeral containers (one with a target joins the target's
 *    process namespace; a target that is not running is a
 *    CreateContainerConfigError), then init containers and sidecars, then
 *    app containers: ensure the
 *    image, CreateContainer (attempt = restartCount, mounts of its volumes,
 *    the managed /etc/hosts and a termination message file), StartContainer; a
 *    container restarted after an exit records its CrashLoopBackOff step;
 *    a failed postStart hook kills the container again (PostStartHookError).
 * A failed image or config is that container's waiting reason and the
 * others still start; a regular init container that fails to start stops
 * the sync (the next ones wait for it). Runtime errors on the sandbox or
 * a kill reject.
 */
export async function syncPod(pod: Pod, plan: PodActions, opts: SyncPodOptions): Promise<SyncPodResult> {
  const { runtimePod, runtime } = opts;
  const waiting = new Map<string, WaitingReason>();
  let sandboxId = plan.sandboxId;
  const podIP = podIPOf(pod, runtimePod, runtime, () => sandboxId);
  const killOpts: KillOptions = { runtime, podIP, ...(opts.events ? { events: opts.events } : {}), ...(opts.logger ? { logger: opts.logger } : {}) };
  if (plan.killPod) {
    await killPod(pod, runtimePod, killOpts);
    if (!plan.createSandbox) return { waiting, sandboxId: '' };
  }
  const volumeManager = opts.volumes ?? new VolumeManager({ rootDir: opts.rootDir, podObjects: opts.podObjects });
  const toStart = plan.initContainersToStart.length + plan.containersToStart.length + plan.ephemeralContainersToStart.length;
  // Every sync of a pod that runs or starts something, so content volumes follow the API (upstream remounts them periodically).
  const active = plan.createSandbox || toStart > 0 || runtimePod.containers.some((c) => c.state === 'RUNNING');
  const volumes: PodVolumes = active ? await volumeManager.setUp(pod) : { podDir: volumeManager.podDir(pod.metadata?.uid ?? ''), volumes: new Map(), errors: [] };
  if (volumes.errors.length > 0) {
    for (const e of volumes.errors) opts.events?.event(pod, 'Warning', 'FailedMount', e.eventMessage);
    opts.logger?.info({ pod: podKey(pod), errors: volumes.errors.map((e) => e.eventMessage) }, 'volumes not ready: the pod waits');
    return { waiting, sandboxId: plan.createSandbox ? '' : plan.sandboxId };
  }
  // The DNS settings matter only to a new sandbox, so the host file is read then (upstream reads it for every GetPodDNS).
  let dnsConfig;
  if (plan.createSandbox && opts.dns) {
    const dns = podDnsConfig(pod, { ...opts.dns, hostResolvConf: readHostResolvConf(opts.dns.resolvConf), nodeIPs: opts.hostIPs ?? [] });
    for (const w of dns.warnings) {
      if (w.onNode) opts.nodeEvent?.('Warning', w.reason, w.message);
      else opts.events?.event(pod, 'Warning', w.reason, w.message);
    }
    dnsConfig = dns.config;
  }
  const sandboxConfig: PodSandboxConfig = podSandboxConfig(pod, plan.sandboxAttempt, opts, dnsConfig);
  if (plan.createSandbox) {
    mkdirSync(sandboxConfig.logDirectory!, { recursive: true, mode: 0o755 });
    sandboxId = await runtime.runPodSandbox(sandboxConfig);
    opts.logger?.info({ pod: podKey(pod), sandboxId, attempt: plan.sandboxAttempt }, 'sandbox created');
    for (const c of runtimePod.containers) if (c.type === 'init') await runtime.removeContainer(c.id);
  } else {
    await Promise.all(plan.containersToKill.map(async (k) => {
      opts.logger?.info({ pod: podKey(pod), container: k.name, reason: k.reason }, k.message);
      await killContainer(pod, { id: k.id, name: k.name, state: runtimePod.containers.find((c) => c.id === k.id)?.state ?? 'RUNNING' }, k, killOpts);
    }));
  }
  if (!sandboxId) return { waiting, sandboxId };
  const podIPs = await sandboxIPs(runtime, runtimePod, sandboxId);
  for (const b of plan.backOff) opts.events?.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${b.name} in pod ${formatPod(pod)}`);

  const etcHostsPath = toStart > 0 ? volumeManager.etcHosts(pod, podIPs) : undefined;
  const mountContext = { volumes, volumeManager, ...(etcHostsPath ? { etcHostsPath } : {}) };
  const start = async (s: ContainerToStart, spec: Container, targetContainerId?: string): Promise<boolean> => {
    const ctx: StartContext = { sandboxId, sandboxConfig, runtime, runtimePod, fresh: plan.createSandbox, podIPs, opts, killOpts, mounts: mountContext, ...(targetContainerId ? { targetContainerId } : {}) };
    const reason = await startContainer(pod, s, spec, ctx);
    if (reason) {
      waiting.set(s.name, reason);
      opts.events?.event(pod, 'Warning', reason.reason === 'ImagePullBackOff' ? 'BackOff' : 'Failed', `Error: ${reason.reason}${reason.message ? `: ${reason.message}` : ''}`);
    }
    return !reason;
  };
  for (const s of plan.ephemeralContainersToStart) {
    const ephemeral = pod.spec?.ephemeralContainers?.[s.index];
    if (!ephemeral) continue;
    const { targetContainerName, ...spec } = ephemeral;
    let targetId: string | undefined;
    if (targetContainerName) {
      // upstream's startSpec.getTargetID: the target's current instance, running.
      const target = findContainer(runtimePod, targetContainerName);
      if (target?.state !== 'RUNNING') {
        const reason = { reason: 'CreateContainerConfigError', message: `unable to find target container ${targetContainerName}` };
        waiting.set(s.name, reason);
        opts.events?.event(pod, 'Warning', 'Failed', `Error: ${reason.message}`);
        continue;
      }
      targetId = target.id;
    }
    await start(s, spec, targetId);
  }
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
  killOpts: KillOptions;
  mounts: { volumes: PodVolumes; volumeManager: VolumeManager; etcHostsPath?: string };
  /** An ephemeral container's target: its running container id. */
  targetContainerId?: string;
}

/** The sandbox's IPs, primary first: from the runtime pod, else PodSandboxStatus (a new sandbox). */
async function sandboxIPs(runtime: RuntimeService, runtimePod: RuntimePod, sandboxId: string): Promise<string[]> {
  const known = runtimePod.sandboxes.find((s) => s.id === sandboxId);
  if (known && known.ips.length > 0) return known.ips;
  const net = (await runtime.podSandboxStatus(sandboxId)).status?.network;
  return net ? [net.ip, ...(net.additionalIps ?? []).map((a) => a.ip)].filter((ip) => !!ip) : [];
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
  const image = await ctx.opts.images.ensure(spec, ctx.sandboxConfig, { pod, podObjects: ctx.opts.podObjects });
  if ('waiting' in image) return image.waiting;
  const events = ctx.opts.events;
  events?.event(pod, 'Normal', 'Pulled', image.pulled ? `Successfully pulled image "${spec.image ?? ''}"` : `Container image "${spec.image ?? ''}" already present on machine`);
  let config;
  try {
    const { volumes, etcHostsPath } = ctx.mounts;
    const mounts = containerMounts(pod, spec, { volumes: volumes.volumes, podIPs: ctx.podIPs, hostIPs: ctx.opts.hostIPs ?? [], ...(etcHostsPath ? { etcHostsPath } : {}) });
    const run = await containerRunOptions(pod, spec, image.imageRef, ctx);
    config = containerConfig(pod, {
      container: spec, kind: s.kind, restartCount, imageRef: image.imageRef, mounts, ...run,
      ...(ctx.targetContainerId ? { targetContainerId: ctx.targetContainerId } : {}),
    });
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
  const hookFailure = await runPostStartHook({ pod, container: spec, containerId: id, runtime: ctx.runtime, podIP: ctx.killOpts.podIP }, events);
  if (hookFailure) {
    // Upstream kills the container with the message and reason FailedPostStartHook.
    await killContainer(pod, { id, name: s.name }, { reason: 'FailedPostStartHook', message: 'FailedPostStartHook' }, ctx.killOpts);
    return { reason: POST_START_HOOK_ERROR, message: hookFailure };
  }
  ctx.opts.logger?.info({ pod: podKey(pod), container: s.name, containerId: id, restartCount, reason: s.reason }, 'container started');
  return undefined;
}

function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
