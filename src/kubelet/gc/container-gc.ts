/**
 * Container garbage collection (upstream pkg/kubelet/kuberuntime/kuberuntime_gc.go).
 * Dead containers (any state but running, older than minAge) are grouped
 * by evict unit (pod uid, container name), newest first:
 * - a pod that is deleted loses all of them;
 * - otherwise each unit keeps its newest maxPerPodContainer (default 1),
 *   which keeps lastState and exit codes readable;
 * - then, when maxContainers >= 0, the oldest beyond that many overall go.
 * Then sandboxes that are not ready and hold no container: all of a
 * deleted pod's, all but the newest of a living pod's. Nothing counts as
 * deleted until allSourcesReady (the kubelet's pod informer has synced).
 * Last, the log directories of deleted pods (pod-logs-gc.ts).
 * Only objects with the kubelet's pod uid label are touched.
 */
import type { Logger } from '../../api/log.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import type { Container, PodSandbox } from '../runtime/cri/types.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../pod-workers/labels.js';
import { evictPodLogsDirectories } from './pod-logs-gc.js';

export interface ContainerGCPolicy {
  /** Dead containers younger than this stay. @default 0 (upstream's MinimumGCAge) */
  minAgeMs: number;
  /** Dead containers kept per (pod, container name). @default 1 */
  maxPerPodContainer: number;
  /** Dead containers kept in all; negative: no limit. @default -1 */
  maxContainers: number;
}

export const DEFAULT_CONTAINER_GC_POLICY: ContainerGCPolicy = { minAgeMs: 0, maxPerPodContainer: 1, maxContainers: -1 };

export interface PodState {
  /** True when the pod with this uid is no longer the kubelet's (deleted from the API or bound elsewhere). */
  isPodDeleted(uid: string): boolean;
  /** False until the kubelet knows all its pods; until then no pod counts as deleted. */
  allSourcesReady(): boolean;
}

/** The dead containers to remove, oldest last within each unit (pure). */
export function containerVictims(containers: readonly Container[], policy: ContainerGCPolicy, pods: PodState, nowMs: number): Container[] {
  const units = new Map<string, Container[]>();
  for (const c of containers) {
    const uid = c.labels[POD_UID_LABEL];
    if (!uid || c.state === 'CONTAINER_RUNNING' || nowMs - c.createdAt / 1e6 < policy.minAgeMs) continue;
    const key = `${uid}/${c.labels[CONTAINER_NAME_LABEL] ?? c.metadata?.name ?? ''}`;
    units.set(key, [...(units.get(key) ?? []), c]);
  }
  const victims: Container[] = [];
  const kept: Container[] = [];
  const ready = pods.allSourcesReady();
  for (const unit of units.values()) {
    unit.sort((a, b) => b.createdAt - a.createdAt);
    const uid = unit[0]!.labels[POD_UID_LABEL]!;
    const keep = ready && pods.isPodDeleted(uid) ? 0 : Math.max(0, policy.maxPerPodContainer);
    kept.push(...unit.slice(0, keep));
    victims.push(...unit.slice(keep));
  }
  if (policy.maxContainers >= 0 && kept.length > policy.maxContainers) {
    kept.sort((a, b) => b.createdAt - a.createdAt);
    victims.push(...kept.slice(policy.maxContainers));
  }
  return victims;
}

/** The sandboxes to remove given the containers that remain (pure). */
export function sandboxVictims(sandboxes: readonly PodSandbox[], remaining: readonly Container[], pods: PodState): PodSandbox[] {
  const withContainers = new Set(remaining.map((c) => c.podSandboxId));
  const byPod = new Map<string, PodSandbox[]>();
  for (const s of sandboxes) {
    const uid = s.labels[POD_UID_LABEL];
    if (uid) byPod.set(uid, [...(byPod.get(uid) ?? []), s]);
  }
  const victims: PodSandbox[] = [];
  const ready = pods.allSourcesReady();
  for (const [uid, list] of byPod) {
    list.sort((a, b) => b.createdAt - a.createdAt);
    const candidates = ready && pods.isPodDeleted(uid) ? list : list.slice(1);
    victims.push(...candidates.filter((s) => s.state !== 'SANDBOX_READY' && !withContainers.has(s.id)));
  }
  return victims;
}

export interface ContainerGCOptions {
  /** The pod logs root: deleted pods' directories in it are removed after their containers. */
  podLogsDir?: string;
  runtime: Pick<RuntimeService, 'listContainers' | 'listPodSandbox' | 'removeContainer' | 'removePodSandbox'>;
  pods: PodState;
  /** Removes a container's logs before the container (removeContainerLogs). */
  removeLogs?: (c: Container) => Promise<void>;
  policy?: Partial<ContainerGCPolicy>;
  logger?: Logger;
  now?: () => number;
}

export interface ContainerGCResult {
  containers: string[];
  sandboxes: string[];
}

/** One collection; a failed removal is logged and the rest go on. */
export async function garbageCollectContainers(o: ContainerGCOptions): Promise<ContainerGCResult> {
  const policy = { ...DEFAULT_CONTAINER_GC_POLICY, ...o.policy };
  const containers = await o.runtime.listContainers();
  const victims = containerVictims(containers, policy, o.pods, (o.now ?? Date.now)());
  const removed: ContainerGCResult = { containers: [], sandboxes: [] };
  for (const c of victims) {
    try {
      await o.removeLogs?.(c);
      await o.runtime.removeContainer(c.id);
      removed.containers.push(c.id);
    } catch (e) {
      o.logger?.warn({ containerId: c.id, err: e instanceof Error ? e.message : String(e) }, 'failed to remove a dead container');
    }
  }
  const gone = new Set(removed.containers);
  const remaining = containers.filter((c) => !gone.has(c.id));
  for (const s of sandboxVictims(await o.runtime.listPodSandbox(), remaining, o.pods)) {
    try {
      await o.runtime.removePodSandbox(s.id);
      removed.sandboxes.push(s.id);
    } catch (e) {
      o.logger?.warn({ sandboxId: s.id, err: e instanceof Error ? e.message : String(e) }, 'failed to remove a dead sandbox');
    }
  }
  if (o.podLogsDir) {
    for (const dir of await evictPodLogsDirectories(o.podLogsDir, o.pods)) o.logger?.info({ dir }, 'removed the log directory of a deleted pod');
  }
  if (removed.containers.length || removed.sandboxes.length) o.logger?.info({ containers: removed.containers.length, sandboxes: removed.sandboxes.length }, 'garbage collected dead containers');
  return removed;
}
