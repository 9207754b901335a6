/**
 * The scale subresource (autoscaling/v1 Scale) of deployments, replicasets,
 * statefulsets and replicationcontrollers: a view of the parent's
 * spec.replicas, status.replicas and selector; writing it writes the parent.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { labelSelectorAsSelector, selectorFromSet } from '../../../api/selectors/index.js';
import { deepClone } from '../../../api/object.js';

export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: WithMeta['metadata'];
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

export function scaleOf(parent: WithMeta): Scale {
  const spec = (parent.spec ?? {}) as { replicas?: number; selector?: LabelSelector | Record<string, string> };
  const status = (parent.status ?? {}) as { replicas?: number };
  const m = parent.metadata;
  let selector: string | undefined;
  if (spec.selector) {
    selector = parent.kind === 'ReplicationController'
      ? selectorFromSet(spec.selector as Record<string, string>).toString()
      : labelSelectorAsSelector(spec.selector as LabelSelector).toString();
  }
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, ...(selector !== undefined ? { selector } : {}) },
  };
}

/** The parent with the Scale's replicas applied (a copy; the input is not changed). */
export function withReplicas(parent: WithMeta, scale: { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } }): WithMeta {
  const next = deepClone(parent);
  (next.spec as Record<string, unknown>).replicas = scale.spec?.replicas ?? 0;
  if (scale.metadata?.resourceVersion) next.metadata.resourceVersion = scale.metadata.resourceVersion;
  return next;
}
