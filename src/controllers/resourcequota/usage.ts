/**
 * A quota's status.used (upstream's quota evaluators): which resource each
 * quota resource name counts, and the usage of services and claims. Pods are
 * in pod-usage.ts. Pure: objects come from the caller (informer caches).
 */
import type { PersistentVolumeClaim, Pod, ResourceQuota, Service } from 'kubernetes-types/core/v1.js';
import { RESOURCES, type ResourceDescriptor } from '../../client/resource.js';
import type { ApiObject } from '../../client/api-object.js';
import { formatAmount, quotaAmount } from './quantity-format.js';
import { podCountsAgainstQuota, podMatchesQuotaScopes, podUsage, quotaIsScoped } from './pod-usage.js';

type Amounts = Map<string, number>;

/** Object-count names upstream has kept since before count/<resource>: name -> resource. */
const LEGACY_COUNTS: Record<string, ResourceDescriptor> = {
  pods: RESOURCES.pods,
  services: RESOURCES.services,
  replicationcontrollers: RESOURCES.replicationcontrollers,
  resourcequotas: RESOURCES.resourcequotas,
  secrets: RESOURCES.secrets,
  configmaps: RESOURCES.configmaps,
  persistentvolumeclaims: RESOURCES.persistentvolumeclaims,
};

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

/**
 * The resource whose objects a quota resource name charges: pods for pod
 * compute resources, services for services.*, claims for storage, and the
 * named resource for counts (`count/deployments.apps`). Undefined for names
 * this controller does not know (a custom resource's count/...).
 */
export function resourceForQuotaName(name: string): ResourceDescriptor | undefined {
  if (LEGACY_COUNTS[name]) return LEGACY_COUNTS[name];
  if (name.startsWith('count/')) {
    const [plural, ...group] = name.slice('count/'.length).split('.');
    const g = group.join('.');
    return Object.values(RESOURCES).find((r) => r.namespaced && r.resource === plural && r.group === g);
  }
  if (name.startsWith('services.')) return RESOURCES.services;
  if (name === 'requests.storage' || name.includes(STORAGE_CLASS_SUFFIX)) return RESOURCES.persistentvolumeclaims;
  if (name.startsWith('requests.') || name.startsWith('limits.') || ['cpu', 'memory', 'ephemeral-storage'].includes(name) || name.startsWith('hugepages-')) {
    return RESOURCES.pods;
  }
  return undefined;
}

function serviceUsage(svc: Service): Amounts {
  const u: Amounts = new Map([['services', 1], ['count/services', 1]]);
  const type = svc.spec?.type ?? 'ClusterIP';
  const ports = svc.spec?.ports ?? [];
  if (type === 'NodePort') u.set('services.nodeports', ports.length);
  if (type === 'LoadBalancer') {
    u.set('services.loadbalancers', 1);
    const allocate = svc.spec?.allocateLoadBalancerNodePorts !== false;
    u.set('services.nodeports', allocate ? ports.length : ports.filter((p) => !!p.nodePort).length);
  }
  return u;
}

function claimUsage(pvc: PersistentVolumeClaim): Amounts {
  const storage = quotaAmount('requests.storage', pvc.spec?.resources?.requests?.['storage']);
  const u: Amounts = new Map([['persistentvolumeclaims', 1], ['count/persistentvolumeclaims', 1], ['requests.storage', storage]]);
  const sc = pvc.spec?.storageClassName;
  if (sc) {
    u.set(`${sc}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, 1);
    u.set(`${sc}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
  }
  return u;
}

/** The usage one object of `res` charges, by quota resource name. */
export function objectUsage(res: ResourceDescriptor, obj: ApiObject, nowMs: number): Amounts {
  if (res === RESOURCES.pods) return podCountsAgainstQuota(obj as Pod, nowMs) ? podUsage(obj as Pod) : new Map();
  if (res === RESOURCES.services) return serviceUsage(obj as Service);
  if (res === RESOURCES.persistentvolumeclaims) return claimUsage(obj as PersistentVolumeClaim);
  const legacy = Object.keys(LEGACY_COUNTS).find((k) => LEGACY_COUNTS[k] === res);
  const count = res.group ? `count/${res.resource}.${res.group}` : `count/${res.resource}`;
  return new Map([[count, 1], ...(legacy ? [[legacy, 1] as [string, number]] : [])]);
}

/**
 * status.used for `quota`: for every name in spec.hard, the sum over the
 * namespace's objects of that name's resource (`objectsOf` returns them; it
 * is never asked for an unknown resource). A scoped quota charges only the
 * pods in its scopes. Names the controller cannot count are left out.
 */
export function quotaUsed(quota: ResourceQuota, objectsOf: (res: ResourceDescriptor) => readonly ApiObject[], nowMs: number): Record<string, string> {
  const hard = quota.spec?.hard ?? {};
  const scoped = quotaIsScoped(quota.spec);
  const used: Amounts = new Map();
  const byResource = new Map<ResourceDescriptor, string[]>();
  for (const name of Object.keys(hard)) {
    const res = resourceForQuotaName(name);
    if (!res) continue;
    used.set(name, 0);
    if (scoped && res !== RESOURCES.pods) continue;
    byResource.set(res, [...(byResource.get(res) ?? []), name]);
  }
  for (const [res, names] of byResource) {
    for (const obj of objectsOf(res)) {
      if (scoped && !podMatchesQuotaScopes(obj as Pod, quota.spec)) continue;
      const u = objectUsage(res, obj, nowMs);
      for (const n of names) used.set(n, used.get(n)! + (u.get(n) ?? 0));
    }
  }
  const out: Record<string, string> = {};
  for (const [n, v] of used) out[n] = formatAmount(n, v, hard[n]);
  return out;
}

/** Quota resource lists equal by amount (`1000m` equals `1`). */
export function sameResourceList(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  if (ka.length !== kb.length) return false;
  return ka.every((k) => k in (b ?? {}) && quotaAmount(k, a![k]) === quotaAmount(k, b![k]));
}
