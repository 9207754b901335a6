/**
 * The scale subresource of a custom resource (upstream's
 * pkg/registry/customresource: scaleFromCustomResource and the scale update):
 * replicas live wherever the CRD's specReplicasPath/statusReplicasPath point,
 * the selector (a string) at labelSelectorPath.
 */
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import type { KubeObject } from '../object.js';
import type { CustomResourceSubresourceScale } from './types.js';
import { getPath, setPath } from './json-path.js';

/** An integer at `path`, 0 when absent; throws when the value there is not an integer. */
function replicasAt(obj: unknown, path: string): number {
  const v = getPath(obj, path);
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`.${path.slice(1)} accessor error: ${JSON.stringify(v)} is of the type ${typeof v}, expected int64`);
  return v;
}

/** The autoscaling/v1 Scale view of `obj` under `scale`. */
export function scaleFromCustomResource(obj: KubeObject, scale: CustomResourceSubresourceScale): Scale {
  const m = obj.metadata ?? {};
  const selector = scale.labelSelectorPath ? getPath(obj, scale.labelSelectorPath) : undefined;
  return {
    apiVersion: 'autoscaling/v1', kind: 'Scale',
    metadata: {
      name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}), uid: m.uid,
      resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: replicasAt(obj, scale.specReplicasPath) },
    status: {
      replicas: replicasAt(obj, scale.statusReplicasPath),
      ...(typeof selector === 'string' && selector !== '' ? { selector } : {}),
    },
  };
}

/** Writes a Scale's spec.replicas into `obj` at specReplicasPath (in place). */
export function setSpecReplicas(obj: KubeObject, scale: CustomResourceSubresourceScale, replicas: number): void {
  setPath(obj, scale.specReplicasPath, replicas);
}
