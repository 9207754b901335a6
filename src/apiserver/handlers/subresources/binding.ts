/**
 * pods/binding: a Binding sets a pod's spec.nodeName, once (upstream's
 * BindingREST). It also copies the Binding's annotations onto the pod and
 * marks the pod PodScheduled=True.
 */
import type { Binding, PodCondition } from 'kubernetes-types/core/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { badRequest, conflict } from '../../../api/errors.js';
import { nowRfc3339Seconds } from '../../../api/time.js';

const subject = (name: string) => ({ group: '', resource: 'pods/binding', name });

/** The pod bound as the Binding says; throws 409 when already bound or being deleted. */
export function bindPod(pod: WithMeta, binding: Binding): WithMeta {
  const node = binding.target?.name;
  if (binding.target?.kind && binding.target.kind !== 'Node') throw badRequest(`target kind must be Node, not ${binding.target.kind}`);
  if (!node) throw badRequest('target.name: Required value');
  const name = pod.metadata.name ?? '';
  const spec = (pod.spec ??= {}) as { nodeName?: string };
  if (pod.metadata.deletionTimestamp) throw conflict(subject(name), `pod ${name} is being deleted, cannot be assigned to a host`);
  if (spec.nodeName) throw conflict(subject(name), `pod ${name} is already assigned to node "${spec.nodeName}"`);
  spec.nodeName = node;
  const ann = binding.metadata?.annotations;
  if (ann && Object.keys(ann).length) pod.metadata.annotations = { ...pod.metadata.annotations, ...ann };
  const status = (pod.status ??= {}) as { conditions?: PodCondition[] };
  const conds = status.conditions ?? [];
  const cond: PodCondition = { type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as undefined, lastTransitionTime: nowRfc3339Seconds() };
  const i = conds.findIndex((c) => c.type === 'PodScheduled');
  if (i >= 0) {
    if (conds[i].status !== 'True') conds[i] = cond;
  } else {
    conds.push(cond);
  }
  status.conditions = conds;
  return pod;
}
