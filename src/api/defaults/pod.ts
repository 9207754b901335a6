/**
 * Pod and pod-template defaults: what `kubectl get -o yaml` shows upstream for
 * a pod and for a workload's template (SetDefaults_PodSpec, SetDefaults_Pod).
 * Idempotent: fills only unset fields.
 */
import type { Pod, PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { defaultContainer } from './container.js';
import { defaultVolume } from './volume.js';

/** Defaults shared by pods and templates. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** A template gets the spec defaults only (no enableServiceLinks, no requests from limits). */
export function defaultPodTemplateSpec(tmpl: PodTemplateSpec): void {
  tmpl.spec ??= { containers: [] };
  defaultPodSpec(tmpl.spec);
}

/**
 * A pod's defaults: the spec defaults, then the pod-only ones: requests
 * copied from limits where unset, enableServiceLinks, hostPort = containerPort
 * under hostNetwork, and the deprecated `serviceAccount` mirroring
 * `serviceAccountName` (upstream's conversion does the latter).
 */
export function defaultPod(pod: Pod): void {
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  defaultPodSpec(spec);
  for (const c of [...spec.containers ?? [], ...spec.initContainers ?? []]) {
    if (!c.resources?.limits) continue;
    const requests = { ...(c.resources.requests ?? {}) };
    for (const [k, v] of Object.entries(c.resources.limits)) if (!(k in requests)) requests[k] = v;
    c.resources.requests = requests;
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    for (const c of [...spec.containers ?? [], ...spec.initContainers ?? []]) {
      for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
}

/** Upstream's admission extras live in admit-pod.ts; re-exported here for callers that import pod defaults. */
export { admitPod } from './admit-pod.js';
