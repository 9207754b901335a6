/**
 * Resource amounts the scheduler adds and compares (upstream's
 * framework.Resource): cpu in millicores, memory and ephemeral storage in
 * bytes, the pod count, and extended (scalar) resources by name.
 */
import { podRequests } from '../../api/pods/index.js';
import type { Pod } from 'kubernetes-types/core/v1.js';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  scalar: Map<string, number>;
}

/** Defaults a container without requests counts as for scoring (upstream's non-zero requests). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
}

/** A ResourceList-like map (name -> amount) as a Resource. */
export function resourceFromAmounts(amounts: ReadonlyMap<string, number>): Resource {
  const r = emptyResource();
  for (const [k, v] of amounts) {
    switch (k) {
      case 'cpu': r.milliCPU = v; break;
      case 'memory': r.memory = v; break;
      case 'ephemeral-storage': r.ephemeralStorage = v; break;
      case 'pods': r.allowedPodNumber = v; break;
      default: if (isScalarResource(k)) r.scalar.set(k, v);
    }
  }
  return r;
}

/** Extended resources (`example.com/gpu`), hugepages and attachable volumes: anything beyond the native four. */
export function isScalarResource(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-');
}

export function addResource(into: Resource, r: Resource, sign: 1 | -1 = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
}

/** What a pod requests, and what it counts for in scoring (cpu/memory defaulted when zero). */
export interface PodResources {
  requests: Resource;
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

export function computePodResources(pod: Pod): PodResources {
  const requests = resourceFromAmounts(podRequests(pod));
  let nonZeroMilliCPU = 0;
  let nonZeroMemory = 0;
  // Non-zero defaults apply per container, as upstream's NonMissingContainerRequests.
  for (const c of pod.spec?.containers ?? []) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) } as Record<string, unknown>;
    nonZeroMilliCPU += req['cpu'] === undefined ? DEFAULT_MILLI_CPU_REQUEST : 0;
    nonZeroMemory += req['memory'] === undefined ? DEFAULT_MEMORY_REQUEST : 0;
  }
  nonZeroMilliCPU += requests.milliCPU;
  nonZeroMemory += requests.memory;
  return { requests, nonZeroMilliCPU, nonZeroMemory };
}
