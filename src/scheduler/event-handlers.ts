/**
 * Informer handlers that keep the cache and the queue current (upstream's
 * eventhandlers.go): unscheduled pods of this scheduler's profiles go to the
 * queue, bound pods to the cache, and changes that may make waiting pods fit
 * (nodes, bound pods, volumes) move them back to be retried.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { ApiObject, Informer } from '../client/index.js';
import { isPodTerminal } from '../api/pods/index.js';
import type { SchedulerCache } from './cache.js';
import type { ActionType, ClusterEvent, EventResource } from './framework/interface.js';
import { newPodInfo } from './framework/pod-info.js';
import type { SchedulingQueue } from './queue.js';

export interface EventHandlerDeps {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  responsibleFor: (pod: Pod) => boolean;
  resolvePriority: (pod: Pod) => number | undefined;
}

const key = (p: Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What changed on a node, as the actions plugins register for (none: a heartbeat). */
export function nodeUpdateActions(a: Node, b: Node): ActionType[] {
  const out: ActionType[] = [];
  if (!same(a.status?.allocatable, b.status?.allocatable)) out.push('UpdateNodeAllocatable');
  if (!same(a.metadata?.labels, b.metadata?.labels)) out.push('UpdateNodeLabel');
  if (!same(a.spec?.taints, b.spec?.taints) || !!a.spec?.unschedulable !== !!b.spec?.unschedulable) out.push('UpdateNodeTaint');
  const conds = (n: Node): string => JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status]));
  if (conds(a) !== conds(b)) out.push('UpdateNodeCondition');
  return out;
}

export function addAllEventHandlers(d: EventHandlerDeps, informers: {
  pods: Informer<Pod & ApiObject>; nodes: Informer<Node & ApiObject>;
  pvcs: Informer; pvs: Informer; storageClasses: Informer; namespaces: Informer; services: Informer;
}): void {
  const move = (resource: EventResource, action: ActionType): void => d.queue.moveAllToActiveOrBackoffQueue({ resource, action } satisfies ClusterEvent);
  const info = (p: Pod) => newPodInfo(p, d.resolvePriority);
  const assigned = (p: Pod): boolean => !!p.spec?.nodeName;

  informers.pods.addEventHandler({
    onAdd(p) {
      if (assigned(p)) {
        if (isPodTerminal(p)) return;
        d.cache.addPod(info(p));
        move('AssignedPod', 'Add');
      } else if (d.responsibleFor(p) && !p.metadata?.deletionTimestamp) {
        d.queue.add(info(p));
      }
    },
    onUpdate(old, p) {
      if (assigned(p)) {
        if (!assigned(old)) d.queue.delete(key(p));
        if (isPodTerminal(p)) {
          if (d.cache.hasPod(key(p))) { d.cache.removePod(key(p)); move('AssignedPod', 'Delete'); }
          return;
        }
        const wasConfirmed = assigned(old) && d.cache.hasPod(key(p)) && !d.cache.isAssumed(key(p));
        d.cache.addPod(info(p));
        if (!assigned(old)) move('AssignedPod', 'Add');
        else if (!wasConfirmed || !same(old.metadata?.labels, p.metadata?.labels)) move('AssignedPod', 'Update');
        return;
      }
      if (!d.responsibleFor(p)) { d.queue.delete(key(p)); return; }
      if (p.metadata?.deletionTimestamp) d.queue.delete(key(p));
      else d.queue.update(info(p));
    },
    onDelete(p) {
      d.queue.delete(key(p));
      if (d.cache.hasPod(key(p))) {
        d.cache.removePod(key(p));
        move('AssignedPod', 'Delete');
      }
    },
  });

  informers.nodes.addEventHandler({
    onAdd(n) { d.cache.addOrUpdateNode(n); move('Node', 'Add'); },
    onUpdate(old, n) {
      d.cache.addOrUpdateNode(n);
      for (const a of nodeUpdateActions(old, n)) move('Node', a);
    },
    onDelete(n) { d.cache.removeNode(n.metadata!.name!); },
  });

  const simple = (inf: Informer, resource: EventResource): void => {
    inf.addEventHandler({ onAdd: () => move(resource, 'Add'), onUpdate: () => move(resource, 'Update') });
  };
  simple(informers.pvcs, 'PersistentVolumeClaim');
  simple(informers.pvs, 'PersistentVolume');
  simple(informers.storageClasses, 'StorageClass');
  informers.namespaces.addEventHandler({ onUpdate: (a, b) => { if (!same(a.metadata?.labels, b.metadata?.labels)) move('Namespace', 'Update'); } });
  simple(informers.services, 'Service');
}
