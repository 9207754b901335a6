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

/** One scored resource's amounts on a node, resolved from its name once rather than per node. */
export interface ResourceReader {
  allocatable(node: NodeInfo): number;
  /** What the node would have requested with the pod on it (upstream counts cpu/memory non-zero for scoring). */
  requestedWith(node: NodeInfo, pod: PodInfo): number;
}

const CPU: ResourceReader = {
  allocatable: (n) => n.allocatable.milliCPU,
  requestedWith: (n, p) => n.nonZeroMilliCPU + p.resources.nonZeroMilliCPU,
};
const MEMORY: ResourceReader = {
  allocatable: (n) => n.allocatable.memory,
  requestedWith: (n, p) => n.nonZeroMemory + p.resources.nonZeroMemory,
};
const EPHEMERAL_STORAGE: ResourceReader = {
  allocatable: (n) => n.allocatable.ephemeralStorage,
  requestedWith: (n, p) => n.requested.ephemeralStorage + p.resources.requests.ephemeralStorage,
};

export function resourceReader(resource: string): ResourceReader {
  switch (resource) {
    case 'cpu': return CPU;
    case 'memory': return MEMORY;
    case 'ephemeral-storage': return EPHEMERAL_STORAGE;
    default: return {
      allocatable: (n) => n.allocatable.scalar.get(resource) ?? 0,
      requestedWith: (n, p) => (n.requested.scalar.get(resource) ?? 0) + (p.resources.requests.scalar.get(resource) ?? 0),
    };
  }
}

const NO_IGNORED: ReadonlySet<string> = new Set();
const FITS: readonly string[] = Object.freeze([]);

/** The reasons the pod does not fit (empty when it does), in upstream's order and words. Allocates only when it does not fit. */
export function insufficientResources(pod: PodInfo, node: NodeInfo, ignored: ReadonlySet<string> = NO_IGNORED,
  ignoredGroups: readonly string[] = FITS): readonly string[] {
  let out: string[] | undefined;
  if (node.freePods < 1) (out ??= []).push('Too many pods');
  const r = pod.resources.requests;
  if (r.milliCPU > 0 && r.milliCPU > node.freeMilliCPU) (out ??= []).push('Insufficient cpu');
  if (r.memory > 0 && r.memory > node.freeMemory) (out ??= []).push('Insufficient memory');
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > node.freeEphemeralStorage) (out ??= []).push('Insufficient ephemeral-storage');
  if (r.scalar.size) {
    const alloc = node.allocatable, req = node.requested;
    for (const [name, v] of r.scalar) {
      if (v === 0 || ignored.has(name) || ignoredGroups.some((g) => name.startsWith(`${g}/`))) continue;
      if (v > (alloc.scalar.get(name) ?? 0) - (req.scalar.get(name) ?? 0)) (out ??= []).push(`Insufficient ${name}`);
    }
  }
  return out ?? FITS;
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
  const scored = resources.map((r) => ({ reader: resourceReader(r.name), weight: r.weight }));
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
      for (let i = 0; i < scored.length; i++) {
        const { reader, weight } = scored[i]!;
        const allocatable = reader.allocatable(node);
        if (allocatable === 0) continue;
        total += perResource(reader.requestedWith(node, pod), allocatable) * weight;
        weights += weight;
      }
      return weights === 0 ? 0 : Math.trunc(total / weights);
    },
  } satisfies PreFilterPlugin & FilterPlugin & ScorePlugin;
}


