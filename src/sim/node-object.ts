/**
 * The Node a simulated kubelet registers: labels, capacity and
 * allocatable, addresses, node info, daemon endpoints and the four kubelet
 * conditions, as a real kubelet reports them.
 */
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import { NODE_READY, PRESSURE_CONDITIONS, type ConditionText } from '../api/nodes/conditions.js';
import { SIMULATED_LABEL } from './well-known.js';

/** What distinguishes one simulated node from another. */
export interface NodeTemplate {
  name: string;
  internalIP: string;
  /** cpu, memory, pods, ephemeral-storage, ... */
  capacity: Record<string, string>;
  /** @default capacity */
  allocatable?: Record<string, string>;
  /** Added to (and overriding) the well-known labels. */
  labels?: Record<string, string>;
  taints?: Taint[];
  /** e.g. `v1.33.0`. */
  kubeletVersion: string;
  /** @default 'amd64' */
  arch?: string;
  /** @default 'sim.standard' */
  instanceType?: string;
}

export const SIM_RUNTIME_VERSION = 'sim://0.1.0';

const CONDITIONS: readonly (readonly [type: string, text: ConditionText])[] = [
  ['MemoryPressure', PRESSURE_CONDITIONS.MemoryPressure.False],
  ['DiskPressure', PRESSURE_CONDITIONS.DiskPressure.False],
  ['PIDPressure', PRESSURE_CONDITIONS.PIDPressure.False],
  ['Ready', NODE_READY],
];

/** The healthy kubelet conditions, heartbeat `now`, transitions kept from `previous` when unchanged. */
export function nodeConditions(now: string, previous: readonly NodeCondition[] = []): NodeCondition[] {
  return CONDITIONS.map(([type, { status, reason, message }]) => {
    const old = previous.find((c) => c.type === type);
    return {
      type, status, reason, message,
      lastHeartbeatTime: now,
      lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
    };
  });
}

/** A stable pseudo-UUID from a name (machineID, systemUUID, bootID). */
function nameHash(name: string, salt: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const s = `${salt}/${name}`;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 + s.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function nodeLabels(t: NodeTemplate): Record<string, string> {
  return {
    'kubernetes.io/hostname': t.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': t.arch ?? 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': t.arch ?? 'amd64',
    'node.kubernetes.io/instance-type': t.instanceType ?? 'sim.standard',
    [SIMULATED_LABEL]: 'true',
    ...t.labels,
  };
}

/** The status a simulated kubelet reports for `t` at `now`. */
export function nodeStatus(t: NodeTemplate, now: string, previous?: Node['status']): NonNullable<Node['status']> {
  const uuid = nameHash(t.name, 'machine');
  return {
    capacity: { ...t.capacity },
    allocatable: { ...(t.allocatable ?? t.capacity) },
    conditions: nodeConditions(now, previous?.conditions),
    addresses: [{ type: 'InternalIP', address: t.internalIP }, { type: 'Hostname', address: t.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: uuid.replace(/-/g, ''),
      systemUUID: uuid,
      bootID: nameHash(t.name, 'boot'),
      kernelVersion: '6.1.0-sim',
      osImage: 'k8ts simulated node',
      containerRuntimeVersion: SIM_RUNTIME_VERSION,
      kubeletVersion: t.kubeletVersion,
      kubeProxyVersion: t.kubeletVersion,
      operatingSystem: 'linux',
      architecture: t.arch ?? 'amd64',
    },
  };
}

/** The whole Node to POST at registration (the API server keeps a kubelet's status on create). */
export function nodeObject(t: NodeTemplate, now: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: t.name, labels: nodeLabels(t), annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    // No podCIDR: the node IPAM controller gives it one, as to a kubelet registering.
    ...(t.taints?.length ? { spec: { taints: t.taints } } : {}),
    status: nodeStatus(t, now),
  };
}
