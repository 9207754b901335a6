/** In-memory nodes, pods and a default-profile framework for scheduler unit tests. */
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { ObjectStore, type ApiObject } from '../../src/client/index.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { Framework } from '../../src/scheduler/framework/framework.js';
import type { Listers } from '../../src/scheduler/framework/interface.js';
import { newPodInfo } from '../../src/scheduler/framework/pod-info.js';
import type { Profile } from '../../src/scheduler/config.js';

export function node(name: string, opts: { cpu?: string; memory?: string; pods?: string; zone?: string; labels?: Record<string, string>;
  taints?: Taint[]; unschedulable?: boolean; extra?: Record<string, string> } = {}): Node {
  const alloc = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110', ...opts.extra };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.zone ? { 'topology.kubernetes.io/zone': opts.zone } : {}), ...opts.labels } },
    spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: alloc, allocatable: alloc, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function pod(name: string, spec: Partial<Pod['spec']> & { cpu?: string; memory?: string; labels?: Record<string, string>; nodeName?: string; priority?: number } = {}): Pod {
  const { cpu, memory, labels, ...rest } = spec;
  const requests: Record<string, string> = {};
  if (cpu) requests['cpu'] = cpu;
  if (memory) requests['memory'] = memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: labels ?? {}, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { schedulerName: 'default-scheduler', containers: [{ name: 'c', image: 'nginx', resources: { requests } }], ...rest },
  } as Pod;
}

export function emptyListers(): Listers {
  const s = (): ObjectStore<ApiObject> => new ObjectStore<ApiObject>();
  return {
    pods: s(), namespaces: s(), persistentVolumeClaims: s(), persistentVolumes: s(), storageClasses: s(), priorityClasses: s(),
    podDisruptionBudgets: s(), services: s(), replicaSets: s(), statefulSets: s(), replicationControllers: s(),
  };
}

export interface World { cache: SchedulerCache; fwk: Framework; listers: Listers }

export function world(nodes: Node[], pods: Pod[] = [], profile: Profile = {}): World {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addOrUpdateNode(n);
  for (const p of pods) cache.addPod(newPodInfo(p));
  const listers = emptyListers();
  const fwk = new Framework({ schedulerName: 'default-scheduler', ...profile }, {
    snapshot: cache, listers, nominator: { nominatedPodsForNode: () => [] }, schedulerName: 'default-scheduler',
  });
  return { cache, fwk, listers };
}
