/**
 * Resource amounts as the scheduler, kubelet and quota compute them, in
 * integer units: cpu in millicores, everything else in its base unit (bytes,
 * counts). Quantities parse with api/validation/quantity.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { quantityValue } from '../validation/quantity.js';

/** Resource name -> amount (cpu in millicores; others in base units, rounded up). */
export type ResourceAmounts = Map<string, number>;

/** One quantity in the units above: `cpu` -> millicores. */
export function amountOf(resource: string, q: unknown): number {
  const v = quantityValue(q) ?? 0;
  return Math.ceil(resource === 'cpu' ? v * 1000 - 1e-9 : v - 1e-9);
}

/** A ResourceList (`{cpu: '100m', memory: '1Gi'}`) as amounts. */
export function toAmounts(list: Readonly<Record<string, unknown>> | undefined): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  for (const [k, q] of Object.entries(list ?? {})) out.set(k, amountOf(k, q));
  return out;
}

function addInto(into: ResourceAmounts, from: ResourceAmounts): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function maxInto(into: ResourceAmounts, from: ResourceAmounts): void {
  for (const [k, v] of from) into.set(k, Math.max(into.get(k) ?? 0, v));
}

function containerRequests(c: Container): ResourceAmounts {
  // A container with limits but no requests requests its limits (defaulting does this on the server too).
  return toAmounts({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) });
}

/**
 * The pod's effective requests (upstream's resourcehelper.PodRequests): the
 * sum over containers and restartable (sidecar) init containers, or the
 * largest single init container plus the sidecars started before it if that
 * is larger, plus spec.overhead.
 */
export function podRequests(pod: Pod): ResourceAmounts {
  const reqs: ResourceAmounts = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(reqs, containerRequests(c));
  const initMax: ResourceAmounts = new Map();
  const sidecars: ResourceAmounts = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      addInto(reqs, r);
      addInto(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const withSidecars = new Map(sidecars);
      addInto(withSidecars, r);
      maxInto(initMax, withSidecars);
    }
  }
  maxInto(reqs, initMax);
  addInto(reqs, toAmounts(pod.spec?.overhead));
  return reqs;
}
