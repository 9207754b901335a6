/**
 * The StatefulSet controller (upstream's pkg/controller/statefulset): pods
 * with stable names and claims, created and replaced in ordinal order
 * (OrderedReady) or all at once (Parallel), rolling updates with a
 * partition or OnDelete, ControllerRevisions for `kubectl rollout
 * history|undo`, and the status `kubectl rollout status` reads.
 */
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepEqual } from '../../api/object.js';
import { labelSelectorAsSelector } from '../../api/selectors/index.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { startController, type RunningController } from '../../client/controller.js';
import { WorkQueue } from '../../client/work-queue.js';
import { claimObjects, getControllerOf, recheckOwner } from '../shared/controller-ref.js';
import { claimRevisions } from '../history/index.js';
import { parentAndOrdinal } from './identity.js';
import { StatefulPodControl } from './stateful-pod-control.js';
import { syncStatefulSet } from './stateful-set-control.js';

const KIND = 'StatefulSet';
const API_VERSION = 'apps/v1';

export interface StatefulSetControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger?: Logger;
  /** @default 5 (upstream's --concurrent-statefulset-syncs) */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

export class StatefulSetController {
  readonly queue = new WorkQueue<string>({ name: 'statefulset' });
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly podControl: StatefulPodControl;
  private readonly now: () => number;

  constructor(private readonly opts: StatefulSetControllerOptions) {
    this.now = opts.now ?? Date.now;
    this.sets = opts.informers.forResource<StatefulSet>(RESOURCES.statefulsets);
    this.pods = opts.informers.forResource<Pod>(RESOURCES.pods);
    this.revisions = opts.informers.forResource<ControllerRevision>(RESOURCES.controllerrevisions);
    this.claims = opts.informers.forResource<PersistentVolumeClaim>(RESOURCES.persistentvolumeclaims);
    this.podControl = new StatefulPodControl(opts.client, opts.recorder, this.claims.store);

    this.sets.addEventHandler({
      onAdd: (s) => this.enqueue(s),
      onUpdate: (_o, s) => this.enqueue(s),
      onDelete: (s) => this.enqueue(s),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (old, p) => {
        if (old.metadata?.resourceVersion === p.metadata?.resourceVersion) return;
        if (getControllerOf(old)?.uid !== getControllerOf(p)?.uid) this.podChanged(old);
        this.podChanged(p);
      },
      onDelete: (p) => this.podChanged(p),
    });
    const byOwner = (r: ControllerRevision): void => {
      const s = this.resolveControllerRef(r.metadata?.namespace ?? '', r);
      if (s) this.enqueue(s);
    };
    this.revisions.addEventHandler({ onAdd: byOwner, onUpdate: (_o, r) => byOwner(r), onDelete: byOwner });
  }

  get informers(): Informer[] {
    return [this.sets, this.pods, this.revisions, this.claims] as unknown as Informer[];
  }

  private enqueue(s: StatefulSet): void { this.queue.add(objectKey(s)); }

  private resolveControllerRef(namespace: string, obj: Pod | ControllerRevision): StatefulSet | undefined {
    const ref = getControllerOf(obj);
    if (!ref || ref.kind !== KIND) return undefined;
    const s = this.sets.store.get(`${namespace}/${ref.name}`);
    return s && s.metadata?.uid === ref.uid ? s : undefined;
  }

  private podChanged(pod: Pod): void {
    const ns = pod.metadata?.namespace ?? '';
    if (getControllerOf(pod)) {
      const s = this.resolveControllerRef(ns, pod);
      if (s) this.enqueue(s);
      return;
    }
    for (const s of this.sets.store.byNamespace(ns)) {
      try { if (labelSelectorAsSelector(s.spec?.selector).matches(pod.metadata?.labels)) this.enqueue(s); } catch { /* invalid selector */ }
    }
  }

  async sync(key: string): Promise<void> {
    const set = this.sets.store.get(key);
    if (!set) return;
    const selector = labelSelectorAsSelector(set.spec?.selector);
    if (selector.empty) return;
    const ns = set.metadata!.namespace!;
    const isMember = (p: Pod): boolean => parentAndOrdinal(p)?.parent === set.metadata!.name;
    const pods = await claimObjects<Pod>(this.pods.store.byNamespace(ns), {
      client: this.opts.client, resource: RESOURCES.pods, owner: set, ownerApiVersion: API_VERSION, ownerKind: KIND,
      matches: (p) => selector.matches(p.metadata?.labels) && isMember(p),
      canAdopt: recheckOwner(this.opts.client, RESOURCES.statefulsets, set),
    });
    const revisions = await claimRevisions(this.revisions.store.byNamespace(ns), {
      client: this.opts.client, owner: set, ownerResource: RESOURCES.statefulsets, ownerApiVersion: API_VERSION, ownerKind: KIND,
      selector: set.spec?.selector,
    });
    const { status, waitingForAvailability } = await syncStatefulSet(set, pods, revisions, {
      client: this.opts.client, recorder: this.opts.recorder, podControl: this.podControl, now: this.now,
    });
    if (waitingForAvailability && (set.spec?.minReadySeconds ?? 0) > 0) this.queue.addAfter(key, set.spec!.minReadySeconds! * 1000);
    const merged = { ...(set.status ?? {}), ...status };
    if (deepEqual(JSON.parse(JSON.stringify(merged)), JSON.parse(JSON.stringify(set.status ?? {})))) return;
    await this.opts.client.patch(RESOURCES.statefulsets, set.metadata!.name!, { status }, { namespace: ns, subresource: 'status', type: 'merge' });
  }
}

export function startStatefulSetController(opts: StatefulSetControllerOptions): RunningController {
  const c = new StatefulSetController(opts);
  return startController({
    name: 'statefulset', queue: c.queue, sync: (key) => c.sync(key), informers: c.informers,
    workers: opts.workers ?? 5, ...(opts.logger ? { logger: opts.logger } : {}),
  });
}
