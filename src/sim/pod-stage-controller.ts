/**
 * Moves pods bound to simulated nodes through their stages. One shared pod
 * informer (pods with a nodeName) feeds a work queue of pod keys; sync(key)
 * finds the first stage that matches the cached pod, waits out its delay
 * (cancelled when the pod stops matching), then writes the next state
 * through the API: the status subresource with the pod's resourceVersion,
 * or a delete with grace period 0 and a uid precondition. A stale write
 * (409) or a gone pod (404) is dropped: the newer event decides.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { deepClone } from '../api/object.js';
import { isPodTerminal } from '../api/pods/index.js';
import { Informer, RESOURCES, WorkQueue, objectKey, startController, splitKey, type RestClient, type RunningController } from '../client/index.js';
import { NoPodCidrError, type PodIpAllocator } from './pod-ip-allocator.js';
import { firstMatchingStage, nextState, stageDelayMs, type Stage } from './stages/index.js';
import { nowRfc3339Seconds } from '../api/time.js';

/** What the controller needs to know about the simulated nodes. */
export interface SimulatedNodeView {
  /** True when `node` is one of ours. */
  owns(node: string): boolean;
  /** True when `node` is stopped: its pods are left alone. */
  isStopped(node: string): boolean;
  /** The node's InternalIP. */
  hostIP(node: string): string;
}

export interface PodStageControllerOptions {
  client: RestClient;
  /** Client for the pod watch. @default client */
  informerClient?: RestClient;
  logger: Logger;
  stages: readonly Stage[];
  nodes: SimulatedNodeView;
  ips: PodIpAllocator;
  /** Concurrent syncs (and so writes). @default 16 */
  workers?: number;
}

export const NODE_NAME_INDEX = 'spec.nodeName';

interface Pending { uid: string; stage: string; timer?: NodeJS.Timeout; due: boolean }

export class PodStageController {
  readonly informer: Informer<Pod>;
  private readonly queue = new WorkQueue<string>({ name: 'simulated-pods', metrics: false });
  private readonly pending = new Map<string, Pending>();
  private running: RunningController | undefined;

  constructor(private readonly o: PodStageControllerOptions) {
    this.informer = new Informer<Pod>(o.informerClient ?? o.client, RESOURCES.pods, {
      fieldSelector: 'spec.nodeName!=', logger: o.logger,
    });
    this.informer.addIndex(NODE_NAME_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    const enqueue = (p: Pod): void => { if (o.nodes.owns(p.spec?.nodeName ?? '')) this.queue.add(objectKey(p)); };
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, p) => enqueue(p), onDelete: enqueue });
  }

  start(): void {
    this.running = startController({
      name: 'simulated-pods', queue: this.queue, informers: [this.informer], workers: this.o.workers ?? 16,
      sync: (key) => this.sync(key), logger: this.o.logger, maxRetries: -1,
    });
  }

  hasSynced(): boolean { return this.informer.hasSynced(); }

  /** Re-examines every pod of `node` (after it resumed). */
  resyncNode(node: string): void {
    for (const p of this.informer.store.byIndex(NODE_NAME_INDEX, node)) this.queue.add(objectKey(p));
  }

  async stop(): Promise<void> {
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    this.queue.shutDown();
    await this.running?.stop();
    await this.informer.stop();
  }

  private cancel(key: string): void {
    const p = this.pending.get(key);
    if (p?.timer) clearTimeout(p.timer);
    this.pending.delete(key);
  }

  async sync(key: string): Promise<void> {
    const pod = this.informer.store.get(key);
    const node = pod?.spec?.nodeName ?? '';
    if (!pod || !this.o.nodes.owns(node)) {
      this.cancel(key);
      this.o.ips.release(key);
      return;
    }
    const uid = pod.metadata?.uid ?? '';
    if (isPodTerminal(pod)) this.o.ips.release(key);
    else if (pod.status?.podIP && !pod.spec?.hostNetwork) this.o.ips.reserve(node, key, uid, pod.status.podIP);
    if (this.o.nodes.isStopped(node)) { this.cancel(key); return; }

    const stage = firstMatchingStage(pod, this.o.stages);
    if (!stage) { this.cancel(key); return; }
    const p = this.pending.get(key);
    if (p && p.uid === uid && p.stage === stage.name) {
      if (!p.due) return;
      this.pending.delete(key);
    } else {
      this.cancel(key);
      const delay = stageDelayMs(stage);
      if (delay > 0) {
        const entry: Pending = { uid, stage: stage.name, due: false };
        entry.timer = setTimeout(() => { entry.due = true; entry.timer = undefined; this.queue.add(key); }, delay);
        this.pending.set(key, entry);
        return;
      }
    }
    await this.apply(key, pod, stage);
  }

  private async apply(key: string, pod: Pod, stage: Stage): Promise<void> {
    const node = pod.spec!.nodeName!;
    const { namespace, name } = splitKey(key);
    const uid = pod.metadata?.uid ?? '';
    let result: ReturnType<typeof nextState>;
    try {
      result = nextState(pod, stage, {
        now: nowRfc3339Seconds(), nodeName: node, hostIP: this.o.nodes.hostIP(node),
        allocatePodIP: () => this.o.ips.allocate(node, key, uid),
      });
    } catch (e) {
      // No podCIDR on the node yet: the pod waits; resyncNode brings it back once the node has one.
      if (e instanceof NoPodCidrError) {
        this.o.logger.debug({ pod: key, node, stage: stage.name }, 'pod waits for its node\'s podCIDR');
        return;
      }
      throw e;
    }
    try {
      if (result.type === 'delete') {
        await this.o.client.delete(RESOURCES.pods, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid } });
      } else {
        const next: Pod = { ...deepClone(pod), status: result.status };
        await this.o.client.updateStatus(RESOURCES.pods, next);
      }
      this.o.logger.debug({ pod: key, node, stage: stage.name }, 'pod stage applied');
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 409 || code === 404) return;
      throw e;
    }
  }
}
