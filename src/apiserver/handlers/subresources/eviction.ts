/**
 * pods/eviction: a policy/v1 Eviction deletes a pod unless a
 * PodDisruptionBudget forbids it (429), taking one disruption from the budget
 * first (upstream's EvictionREST). Pods that are not running (pending,
 * finished, or already being deleted) may always go.
 */
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import { StatusError } from '../../../api/errors.js';
import { labelSelectorAsSelector } from '../../../api/selectors/index.js';
import type { GenericStore } from '../../registry/generic-store.js';
import { nowRfc3339Seconds } from '../../../api/time.js';

type Pdb = WithMeta & Pick<PodDisruptionBudget, 'spec' | 'status'>;

function tooManyRequests(message: string, causes?: { reason: string; message: string }[]): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { details: { causes } });
}

export async function evictPod(pods: GenericStore, pdbs: GenericStore, namespace: string, name: string,
  deleteOptions: Omit<DeleteOptions, 'dryRun'> & { dryRun?: boolean }): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const pod = await pods.get(namespace, name);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    const ignoreBudget = !!pod.metadata.deletionTimestamp || phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed';
    if (!ignoreBudget) {
      const all = (await pdbs.list({ namespace, filtered: false })).items as Pdb[];
      const matching = all.filter((b) => b.spec?.selector && labelSelectorAsSelector(b.spec.selector).matches(pod.metadata.labels ?? {}));
      if (matching.length > 1) {
        throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      }
      const pdb = matching[0];
      if (pdb) {
        const st = pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 };
        if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
          throw tooManyRequests(`Cannot evict pod as it would violate the pod's disruption budget.`, [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` }]);
        }
        if ((st.disruptionsAllowed ?? 0) <= 0) {
          throw tooManyRequests(`Cannot evict pod as it would violate the pod's disruption budget.`, [{
            reason: 'DisruptionBudget',
            message: `The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`,
          }]);
        }
        if (!deleteOptions.dryRun) {
          try {
            await pdbs.guaranteedUpdate(namespace, pdb.metadata.name!, (cur) => {
              const next = deepClone(cur) as Pdb;
              next.metadata.resourceVersion = pdb.metadata.resourceVersion;
              const s = (next.status ??= { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 });
              s.disruptionsAllowed = (s.disruptionsAllowed ?? 0) - 1;
              s.disruptedPods = { ...s.disruptedPods, [name]: nowRfc3339Seconds() };
              return next;
            }, { subresource: 'status' });
          } catch (e) {
            if (e instanceof StatusError && e.code === 409) continue;
            throw e;
          }
        }
      }
    }
    await pods.delete(namespace, name, deleteOptions);
    return;
  }
  throw tooManyRequests('Cannot evict pod: too many concurrent changes to its disruption budget; try again.');
}
