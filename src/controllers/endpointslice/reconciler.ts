/**
 * Turning a Service's desired endpoints into EndpointSlice writes with little
 * churn (upstream's reconciler): existing slices keep the endpoints that
 * remain, drop the gone ones and take updated ones in place; new endpoints
 * first fill slices that are being updated anyway, then new slices of at
 * most `maxEndpointsPerSlice`, and a remainder that fits goes into an
 * unchanged slice with room rather than a new one. A Service with no
 * endpoints keeps one empty placeholder slice.
 *
 * Pure: no I/O. Created slices have generateName and no name.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { cmpIP } from '../endpoint/subsets.js';
import { endpointKey, portSetKey, type PortGroup } from './desired-endpoints.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface ReconcileInput {
  service: Service;
  /** Desired endpoints by port-set key (desiredPortGroups). */
  desired: Map<string, PortGroup>;
  /** The IPv4 slices this controller manages for the Service. */
  existing: readonly EndpointSlice[];
  maxEndpointsPerSlice: number;
  /** Value of endpoints.kubernetes.io/last-change-trigger-time on written slices, if any. */
  triggerTime?: string;
}

export interface ReconcilePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/** The labels of every slice of `service` (its own labels, minus the reserved ones, plus ours). */
export function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  delete labels[SERVICE_NAME_LABEL];
  delete labels[MANAGED_BY_LABEL];
  const ip = service.spec?.clusterIP;
  if (!ip || ip === 'None') labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  labels[SERVICE_NAME_LABEL] = service.metadata!.name!;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

function ownerRef(service: Service): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: service.metadata!.name!, uid: service.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

function newSlice(input: ReconcileInput, ports: PortGroup['ports'], endpoints: Endpoint[]): EndpointSlice {
  const s = input.service;
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      generateName: `${s.metadata!.name}-`, namespace: s.metadata!.namespace,
      labels: sliceLabels(s),
      ...(input.triggerTime ? { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': input.triggerTime } } : {}),
      ownerReferences: [ownerRef(s)],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

const byAddress = (a: Endpoint, b: Endpoint): number => cmpIP(a.addresses[0] ?? '', b.addresses[0] ?? '');

export function reconcileSlices(input: ReconcileInput): ReconcilePlan {
  const max = Math.max(1, input.maxEndpointsPerSlice);
  const labels = sliceLabels(input.service);
  const plan: ReconcilePlan = { create: [], update: [], delete: [] };
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of input.existing) {
    const k = portSetKey(s.ports);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }
  const withTrigger = (s: EndpointSlice): EndpointSlice => {
    const annotations: Record<string, string> = { ...(s.metadata?.annotations ?? {}) };
    if (input.triggerTime) annotations['endpoints.kubernetes.io/last-change-trigger-time'] = input.triggerTime;
    else delete annotations['endpoints.kubernetes.io/last-change-trigger-time'];
    return { ...s, metadata: { ...s.metadata, labels, annotations } };
  };

  for (const [k, slices] of existingByPorts) {
    if (!input.desired.has(k)) plan.delete.push(...slices);
  }
  for (const [k, group] of input.desired) {
    const remaining = new Map(group.endpoints);
    const updating: EndpointSlice[] = [];
    const unchanged: EndpointSlice[] = [];
    for (const slice of existingByPorts.get(k) ?? []) {
      let changed = !deepEqual(slice.metadata?.labels ?? {}, labels);
      const kept: Endpoint[] = [];
      for (const ep of slice.endpoints ?? []) {
        const key = endpointKey(ep);
        const want = remaining.get(key);
        if (!want) { changed = true; continue; }
        remaining.delete(key);
        if (!deepEqual(ep, want)) changed = true;
        kept.push(want);
      }
      if (kept.length === 0) { plan.delete.push(slice); continue; }
      const next = { ...deepClone(slice), endpoints: kept };
      (changed ? updating : unchanged).push(next);
    }
    const fresh = [...remaining.values()].sort(byAddress);
    // New endpoints go first into slices that are being written anyway.
    for (const s of updating) {
      while (fresh.length && s.endpoints.length < max) s.endpoints.push(fresh.shift()!);
    }
    while (fresh.length >= max) plan.create.push(newSlice(input, group.ports, fresh.splice(0, max)));
    if (fresh.length) {
      // A remainder that fits in an unchanged slice goes there, else into a new slice.
      const roomy = unchanged.filter((s) => s.endpoints.length + fresh.length <= max)
        .sort((a, b) => b.endpoints.length - a.endpoints.length)[0];
      if (roomy) {
        roomy.endpoints.push(...fresh.splice(0));
        unchanged.splice(unchanged.indexOf(roomy), 1);
        updating.push(roomy);
      } else {
        plan.create.push(newSlice(input, group.ports, fresh.splice(0)));
      }
    }
    plan.update.push(...updating.map(withTrigger));
  }

  // A Service with nothing to show keeps one empty placeholder slice.
  if (plan.create.length === 0 && plan.delete.length === input.existing.length) {
    const placeholder = plan.delete.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
    if (placeholder) {
      plan.delete.splice(plan.delete.indexOf(placeholder), 1);
      if (!deepEqual(placeholder.metadata?.labels ?? {}, labels)) plan.update.push(withTrigger({ ...deepClone(placeholder), endpoints: [] }));
    } else {
      plan.create.push(newSlice(input, [], []));
    }
  }
  return plan;
}
