/**
 * The DaemonSet controller (upstream's pkg/controller/daemon): one pod per
 * node that the DaemonSet fits (node selector, required node affinity,
 * taints against its tolerations plus the daemon tolerations), pinned to
 * that node by node affinity so that the scheduler binds it there; rolling
 * updates with maxUnavailable or maxSurge, or OnDelete; a ControllerRevision
 * per template for `kubectl rollout history|undo`; status for
 * `kubectl rollout status`.
 */
import type { ControllerRevision, DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { labelSelectorAsSelector } from '../../api/selectors/index.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { startController, type RunningController } from '../../client/controller.js';
import { WorkQueue } from '../../client/work-queue.js';
import { ControllerExpectations } from '../shared/expectations.js';
import { claimObjects, getControllerOf, newControllerRef, recheckOwner } from '../shared/controller-ref.js';
import { PodControl, podFromTemplate } from '../shared/pod-control.js';
import {
  CONTROLLER_REVISION_HASH_LABEL, claimRevisions, createControllerRevision, deleteRevision, newControllerRevision,
  nextRevision, sortRevisions, templatePatch, updateRevisionNumber,
} from '../history/index.js';
import { nodeNameAffinity } from './placement.js';
import { planManage, podsByNode } from './pods-on-nodes.js';
import { planRollingUpdate } from './rolling-update.js';
import { computeDaemonSetStatus } from './status.js';
import { addDaemonPodTolerations } from './tolerations.js';

/** Label with the DaemonSet's generation on its pods (upstream's legacy pod-template-generation). */
export const DAEMONSET_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

const KIND = 'DaemonSet';
const API_VERSION = 'apps/v1';
/** Creations per sync start at one and double while they succeed (upstream's slow start). */
const SLOW_START_INITIAL_BATCH = 1;

export interface DaemonSetControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger?: Logger;
  /** @default 2 (upstream's --concurrent-daemonset-syncs) */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

export class DaemonSetController {
  readonly queue = new WorkQueue<string>({ name: 'daemonset' });
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  /** Creations and deletions are tracked apart so that one sync may do both. */
  private readonly creations = new ControllerExpectations();
  private readonly deletions = new ControllerExpectations();
  private readonly podControl: PodControl;
  private readonly now: () => number;

  constructor(private readonly opts: DaemonSetControllerOptions) {
    this.now = opts.now ?? Date.now;
    this.podControl = new PodControl(opts.client, opts.recorder);
    this.daemonSets = opts.informers.forResource<DaemonSet>(RESOURCES.daemonsets);
    this.pods = opts.informers.forResource<Pod>(RESOURCES.pods);
    this.nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
    this.revisions = opts.informers.forResource<ControllerRevision>(RESOURCES.controllerrevisions);

    this.daemonSets.addEventHandler({
      onAdd: (ds) => this.enqueue(ds),
      onUpdate: (_old, ds) => this.enqueue(ds),
      onDelete: (ds) => {
        this.creations.delete(objectKey(ds));
        this.deletions.delete(objectKey(ds));
        this.enqueue(ds);
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    this.nodes.addEventHandler({
      onAdd: () => this.enqueueAll(),
      onUpdate: (old, node) => {
        if (!deepEqual(old.metadata?.labels, node.metadata?.labels) || !deepEqual(old.spec, node.spec)) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
    const byOwner = (rev: ControllerRevision): void => {
      const ds = this.resolveControllerRef(rev.metadata?.namespace ?? '', rev);
      if (ds) this.enqueue(ds);
    };
    this.revisions.addEventHandler({ onAdd: byOwner, onUpdate: (_o, r) => byOwner(r), onDelete: byOwner });
  }

  get informers(): Informer[] {
    return [this.daemonSets, this.pods, this.nodes, this.revisions] as unknown as Informer[];
  }

  private enqueue(ds: DaemonSet): void { this.queue.add(objectKey(ds)); }

  private enqueueAll(): void { for (const k of this.daemonSets.store.listKeys()) this.queue.add(k); }

  private resolveControllerRef(namespace: string, obj: Pod | ControllerRevision): DaemonSet | undefined {
    const ref = getControllerOf(obj);
    if (!ref || ref.kind !== KIND) return undefined;
    const ds = this.daemonSets.store.get(`${namespace}/${ref.name}`);
    return ds && ds.metadata?.uid === ref.uid ? ds : undefined;
  }

  private matchingDaemonSets(pod: Pod): DaemonSet[] {
    return this.daemonSets.store.byNamespace(pod.metadata?.namespace ?? '').filter((ds) => {
      try { return labelSelectorAsSelector(ds.spec?.selector).matches(pod.metadata?.labels); } catch { return false; }
    });
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) { this.podDeleted(pod); return; }
    const ns = pod.metadata?.namespace ?? '';
    if (getControllerOf(pod)) {
      const ds = this.resolveControllerRef(ns, pod);
      if (!ds) return;
      this.creations.creationObserved(objectKey(ds));
      this.enqueue(ds);
      return;
    }
    for (const ds of this.matchingDaemonSets(pod)) this.enqueue(ds);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const ns = pod.metadata?.namespace ?? '';
    const oldRef = getControllerOf(old);
    const ref = getControllerOf(pod);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const was = this.resolveControllerRef(ns, old);
      if (was) this.enqueue(was);
    }
    if (ref) {
      const ds = this.resolveControllerRef(ns, pod);
      if (ds) this.enqueue(ds);
      return;
    }
    if (!deepEqual(old.metadata?.labels, pod.metadata?.labels) || oldRef) {
      for (const ds of this.matchingDaemonSets(pod)) this.enqueue(ds);
    }
  }

  private podDeleted(pod: Pod): void {
    const ds = this.resolveControllerRef(pod.metadata?.namespace ?? '', pod);
    if (!ds) return;
    this.deletions.deletionObserved(objectKey(ds), pod.metadata!.uid!);
    this.enqueue(ds);
  }

  private satisfied(key: string): boolean {
    return this.creations.satisfied(key) && this.deletions.satisfied(key);
  }

  async sync(key: string): Promise<void> {
    const ds = this.daemonSets.store.get(key);
    if (!ds) {
      this.creations.delete(key);
      this.deletions.delete(key);
      return;
    }
    if (ds.metadata?.deletionTimestamp) return;
    const selector = labelSelectorAsSelector(ds.spec?.selector);
    if (selector.empty) {
      this.opts.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    const nodes = this.nodes.store.list();
    const { current, old, collisionCount } = await this.constructHistory(ds);
    const hash = current.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]!;
    const pods = await claimObjects<Pod>(this.pods.store.byNamespace(ds.metadata!.namespace!), {
      client: this.opts.client, resource: RESOURCES.pods, owner: ds, ownerApiVersion: API_VERSION, ownerKind: KIND,
      matches: (p) => selector.matches(p.metadata?.labels),
      canAdopt: recheckOwner(this.opts.client, RESOURCES.daemonsets, ds),
    });
    const byNode = podsByNode(pods);
    const now = this.now();

    if (this.satisfied(key)) {
      const plan = planManage(ds, nodes, byNode, hash, now);
      for (const p of plan.failedPods) {
        this.opts.recorder.event(ds, 'Warning', 'FailedDaemonPod',
          `Found failed daemon pod ${p.metadata!.namespace}/${p.metadata!.name} on node ${p.spec?.nodeName ?? ''}, will try to kill it`);
      }
      const changed = plan.nodesNeedingPods.length + plan.podsToDelete.length > 0;
      await this.syncNodes(ds, key, plan.podsToDelete, plan.nodesNeedingPods, hash);
      if (!changed && (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        const ru = planRollingUpdate(ds, nodes, byNode, hash, now);
        await this.syncNodes(ds, key, ru.podsToDelete, ru.nodesNeedingPods, hash);
      }
      await this.cleanupHistory(ds, old, pods);
    }
    await this.updateStatus(ds, nodes, byNode, hash, collisionCount, now);
  }

  /** The current revision (created or renumbered as needed) and the others. */
  private async constructHistory(ds: DaemonSet): Promise<{ current: ControllerRevision; old: ControllerRevision[]; collisionCount: number }> {
    const revs = await claimRevisions(this.revisions.store.byNamespace(ds.metadata!.namespace!), {
      client: this.opts.client, owner: ds, ownerResource: RESOURCES.daemonsets, ownerApiVersion: API_VERSION, ownerKind: KIND,
      selector: ds.spec?.selector,
    });
    const patch = templatePatch(ds.spec?.template);
    const matching = sortRevisions(revs.filter((r) => deepEqual(r.data, patch)));
    const old = revs.filter((r) => !matching.includes(r));
    const want = nextRevision(old);
    let collisionCount = ds.status?.collisionCount ?? 0;
    let current = matching[matching.length - 1];
    // Duplicates of the current template (a race of two syncs): keep the newest.
    for (const dup of matching.slice(0, -1)) await deleteRevision(this.opts.client, dup);
    if (!current) {
      const rev = newControllerRevision(ds, patch, want, {
        apiVersion: API_VERSION, kind: KIND, templateLabels: ds.spec?.template?.metadata?.labels,
        annotations: ds.metadata?.annotations, collisionCount,
      });
      const created = await createControllerRevision(this.opts.client, ds, rev, collisionCount);
      current = created.revision;
      collisionCount = created.collisionCount;
    } else if (current.revision < want) {
      current = await updateRevisionNumber(this.opts.client, current, want);
    }
    return { current, old, collisionCount };
  }

  /** Creates pods on `nodes` (slow start) and deletes `pods`, under expectations. */
  private async syncNodes(ds: DaemonSet, key: string, toDelete: readonly Pod[], nodes: readonly string[], hash: string): Promise<void> {
    if (toDelete.length === 0 && nodes.length === 0) return;
    const errors: unknown[] = [];
    if (nodes.length > 0) {
      this.creations.expectCreations(key, nodes.length);
      const template = this.podTemplate(ds, hash);
      const ref = newControllerRef(ds, API_VERSION, KIND);
      let next = 0;
      let batch = SLOW_START_INITIAL_BATCH;
      while (next < nodes.length) {
        const chunk = nodes.slice(next, next + batch);
        next += chunk.length;
        const results = await Promise.allSettled(chunk.map((node) => {
          const pod = podFromTemplate(template, ds.metadata!.namespace!, ref, { generateName: `${ds.metadata!.name}-` });
          pod.spec!.affinity = nodeNameAffinity(template.spec?.affinity, node);
          return this.podControl.createPod(ds, pod);
        }));
        const failed = results.filter((r) => r.status === 'rejected');
        for (const f of failed) {
          this.creations.creationObserved(key);
          errors.push((f as PromiseRejectedResult).reason);
        }
        if (failed.length > 0) {
          for (let i = next; i < nodes.length; i++) this.creations.creationObserved(key);
          break;
        }
        batch *= 2;
      }
    }
    if (toDelete.length > 0) {
      this.deletions.expectDeletions(key, toDelete.map((p) => p.metadata!.uid!));
      await Promise.all(toDelete.map(async (p) => {
        try {
          await this.podControl.deletePod(ds, p.metadata!.namespace!, p.metadata!.name!, p.metadata!.uid);
        } catch (e) {
          this.deletions.deletionObserved(key, p.metadata!.uid!);
          errors.push(e);
        }
      }));
    }
    if (errors.length > 0) throw errors[0];
  }

  /** The pods' template: the DaemonSet's, with the daemon tolerations and the revision labels. */
  private podTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
    const t = deepClone(ds.spec!.template);
    const spec = (t.spec ??= { containers: [] });
    addDaemonPodTolerations(spec);
    t.metadata = { ...(t.metadata ?? {}) };
    t.metadata.labels = {
      ...(t.metadata.labels ?? {}),
      [DAEMONSET_TEMPLATE_GENERATION_LABEL]: String(ds.metadata?.generation ?? 0),
      [CONTROLLER_REVISION_HASH_LABEL]: hash,
    };
    return t;
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that no pod runs. */
  private async cleanupHistory(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[]): Promise<void> {
    const limit = ds.spec?.revisionHistoryLimit ?? 10;
    let toKill = old.length - limit;
    if (toKill <= 0) return;
    const live = new Set(pods.map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL]).filter(Boolean));
    for (const rev of sortRevisions(old)) {
      if (toKill <= 0) break;
      if (live.has(rev.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL])) continue;
      await deleteRevision(this.opts.client, rev);
      toKill--;
    }
  }

  private async updateStatus(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, readonly Pod[]>, hash: string,
    collisionCount: number, now: number): Promise<void> {
    const status: DaemonSetStatus = { ...computeDaemonSetStatus(ds, nodes, byNode, hash, now) };
    if (collisionCount > 0 || ds.status?.collisionCount !== undefined) status.collisionCount = collisionCount;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady > (status.numberAvailable ?? 0)) this.queue.addAfter(objectKey(ds), minReady * 1000);
    if (deepEqual(JSON.parse(JSON.stringify(status)), JSON.parse(JSON.stringify(ds.status ?? {})))) return;
    await this.opts.client.patch(RESOURCES.daemonsets, ds.metadata!.name!, {
      status: { ...status, numberUnavailable: status.numberUnavailable ?? null },
    }, { namespace: ds.metadata!.namespace!, subresource: 'status', type: 'merge' });
  }
}

export function startDaemonSetController(opts: DaemonSetControllerOptions): RunningController {
  const c = new DaemonSetController(opts);
  return startController({
    name: 'daemonset', queue: c.queue, sync: (key) => c.sync(key), informers: c.informers,
    workers: opts.workers ?? 2, ...(opts.logger ? { logger: opts.logger } : {}),
  });
}

