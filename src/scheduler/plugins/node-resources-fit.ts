/**
 * NodeResourcesFit: the pod's requests must fit in what the node has left
 * (allocatable minus the requests of the pods on it), pods count included;
 * the score follows the configured strategy (LeastAllocated by default,
 * MostAllocated, or RequestedToCapacityRatio) over weighted resources.
 */
import type { FilterPlugin, PreFilterPlugin, ScorePlugin } from '../framework/interface.js';
import { MAX_NODE_SCORE } from '../framework/interface.js';
import { unschedulable, type Status } from '../framework/status.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';

export const NAME = 'NodeResourcesFit';

export interface ResourceSpec { name: string; weight: number }
export interface UtilizationShapePoint { utilization: number; score: number }
export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape?: UtilizationShapePoint[] };
  };
}

export const DEFAULT_RESOURCES: ResourceSpec[] = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];

/** What the node would have requested of `resource` with the pod on it (upstream counts cpu/memory non-zero for scoring). */
export function requestedWith(node: NodeInfo, pod: PodInfo, resource: string): number {
  switch (resource) {
    case 'cpu': return node.nonZeroMilliCPU + pod.resources.nonZeroMilliCPU;
    case 'memory': return node.nonZeroMemory + pod.resources.nonZeroMemory;
    case 'ephemeral-storage': return node.requested.ephemeralStorage + pod.resources.requests.ephemeralStorage;
    default: return (node.requested.scalar.get(resource) ?? 0) + (pod.resources.requests.scalar.get(resource) ?? 0);
  }
}

export function allocatableOf(node: NodeInfo, resource: string): number {
  switch (resource) {
    case 'cpu': return node.allocatable.milliCPU;
    case 'memory': return node.allocatable.memory;
    case 'ephemeral-storage': return node.allocatable.ephemeralStorage;
    default: return node.allocatable.scalar.get(resource) ?? 0;
  }
}

/** The reasons the pod does not fit (empty when it does), in upstream's order and words. */
export function insufficientResources(pod: PodInfo, node: NodeInfo, ignored: ReadonlySet<string> = new Set(), ignoredGroups: readonly string[] = []): string[] {
  const out: string[] = [];
  if (node.pods.size + 1 > node.allocatable.allowedPodNumber) out.push('Too many pods');
  const r = pod.resources.requests;
  const req = node.requested;
  const alloc = node.allocatable;
  if (r.milliCPU > 0 && r.milliCPU > alloc.milliCPU - req.milliCPU) out.push('Insufficient cpu');
  if (r.memory > 0 && r.memory > alloc.memory - req.memory) out.push('Insufficient memory');
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - req.ephemeralStorage) out.push('Insufficient ephemeral-storage');
  for (const [name, v] of r.scalar) {
    if (v === 0 || ignored.has(name) || ignoredGroups.some((g) => name.startsWith(`${g}/`))) continue;
    if (v > (alloc.scalar.get(name) ?? 0) - (req.scalar.get(name) ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequested(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** Piecewise-linear function through the shape points (utilization 0..100 -> score 0..10, scaled to 0..100). */
function shapeScorer(shape: UtilizationShapePoint[]): (requested: number, capacity: number) => number {
  const pts = shape.map((p) => ({ u: p.utilization, s: p.score * (MAX_NODE_SCORE / 10) }));
  return (requested, capacity) => {
    if (capacity === 0 || requested > capacity) return pts[pts.length - 1]!.s;
    const u = Math.trunc((requested * 100) / capacity);
    let i = 0;
    while (i < pts.length && pts[i]!.u < u) i++;
    if (i === 0) return pts[0]!.s;
    if (i === pts.length) return pts[pts.length - 1]!.s;
    const a = pts[i - 1]!, b = pts[i]!;
    return Math.trunc(a.s + ((b.s - a.s) * (u - a.u)) / (b.u - a.u));
  };
}

export function newNodeResourcesFit(args: NodeResourcesFitArgs = {}): PreFilterPlugin & FilterPlugin & ScorePlugin {
  const ignored = new Set(args.ignoredResources ?? []);
  const ignoredGroups = args.ignoredResourceGroups ?? [];
  const strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
  const resources = args.scoringStrategy?.resources?.length ? args.scoringStrategy.resources : DEFAULT_RESOURCES;
  const perResource = strategy === 'MostAllocated' ? mostRequested
    : strategy === 'RequestedToCapacityRatio'
      ? shapeScorer(args.scoringStrategy?.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }])
      : leastRequested;
  return {
    name: NAME,
    events: () => [{ resource: 'AssignedPod', action: 'Delete' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeAllocatable' }],
    preFilter: () => null,
    filter(_state, pod, node): Status | null {
      const reasons = insufficientResources(pod, node, ignored, ignoredGroups);
      return reasons.length ? unschedulable(...reasons) : null;
    },
    score(_state, pod, node) {
      let total = 0;
      let weights = 0;
      for (const r of resources) {
        const allocatable = allocatableOf(node, r.name);
        if (allocatable === 0) continue;
        total += perResource(requestedWith(node, pod, r.name), allocatable) * r.weight;
        weights += r.weight;
      }
      return weights === 0 ? 0 : Math.trunc(total / weights);
    },
  } satisfies PreFilterPlugin & FilterPlugin & ScorePlugin;
}


