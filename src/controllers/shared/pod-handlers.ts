/**
 * Informer handlers for controllers that act on the objects selecting a pod
 * (Services, PodDisruptionBudgets): `enqueueFor(pod)` on add and delete, and
 * on a real update (a new resourceVersion), also for the old labels when they
 * changed, so the objects that stopped selecting the pod hear of it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../../api/object.js';
import type { InformerEventHandlers } from '../../client/informer.js';

export function podSelectorHandlers(enqueueFor: (pod: Pod) => void): InformerEventHandlers<Pod> {
  return {
    onAdd: enqueueFor,
    onUpdate: (old, pod) => {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      enqueueFor(pod);
      if (!deepEqual(old.metadata?.labels, pod.metadata?.labels)) enqueueFor(old);
    },
    onDelete: enqueueFor,
  };
}
