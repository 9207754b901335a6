/**
 * The Node a kubelet registers (upstream's initialNode): its name, the
 * well-known labels, the attach-detach annotation, podCIDR(s) and taints
 * as given; the status is filled in by the setters before the create.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';

/** The label k3s (and kubeadm) put on a node that runs the control plane. */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

export interface NodeRegistration {
  /** --node-name; the lowercased hostname by default. */
  nodeName: string;
  hostname: string;
  /** GOOS. */
  operatingSystem: string;
  /** GOARCH. */
  architecture: string;
  /** This node runs the control plane (a `k8ts server` node): it carries CONTROL_PLANE_LABEL. */
  controlPlane?: boolean;
  /** --node-labels, over the defaults. */
  labels?: Record<string, string>;
  /** --register-with-taints. */
  taints?: Taint[];
  /** The node's pod CIDRs, when the kubelet is given them rather than the node IPAM controller. */
  podCIDRs?: string[];
  /** --register-schedulable=false marks the node unschedulable. @default false */
  unschedulable?: boolean;
  /** --cloud-provider=external: a cloud controller manager initializes the node. @default false */
  externalCloudProvider?: boolean;
}

/** The taint of a node a cloud controller manager has not initialized yet (cloudproviderapi.TaintExternalCloudProvider). */
export const TAINT_EXTERNAL_CLOUD_PROVIDER = 'node.cloudprovider.kubernetes.io/uninitialized';

/** Labels the kubelet owns and keeps up to date on an existing Node (upstream's updateDefaultLabels). */
export function defaultNodeLabels(r: NodeRegistration): Record<string, string> {
  return {
    'kubernetes.io/hostname': r.hostname,
    'kubernetes.io/os': r.operatingSystem,
    'kubernetes.io/arch': r.architecture,
    'beta.kubernetes.io/os': r.operatingSystem,
    'beta.kubernetes.io/arch': r.architecture,
  };
}

export function initialNode(r: NodeRegistration): Node {
  const taints = [...(r.taints ?? [])];
  // Upstream taints an unschedulable node at registration, so that nothing lands before the spec is seen.
  if (r.unschedulable && !taints.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule')) {
    taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  }
  // Upstream's initialNode: with an external cloud provider the node stays unschedulable until the cloud node controller has seen it.
  if (r.externalCloudProvider && !taints.some((t) => t.key === TAINT_EXTERNAL_CLOUD_PROVIDER)) {
    taints.push({ key: TAINT_EXTERNAL_CLOUD_PROVIDER, value: 'true', effect: 'NoSchedule' });
  }
  const podCIDRs = r.podCIDRs ?? [];
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: r.nodeName,
      labels: {
        ...(r.controlPlane ? { [CONTROL_PLANE_LABEL]: '' } : {}),
        ...r.labels,
        ...defaultNodeLabels(r),
      },
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      ...(podCIDRs.length > 0 ? { podCIDR: podCIDRs[0], podCIDRs } : {}),
      ...(taints.length > 0 ? { taints } : {}),
      ...(r.unschedulable ? { unschedulable: true } : {}),
    },
  };
}

/**
 * What registration changes on a Node that already exists (upstream's
 * tryRegisterWithAPIServer reconciles): the default labels, the
 * attach-detach annotation. Undefined when nothing needs changing; the
 * patch is a merge patch of metadata.
 */
export function reconcileExistingNode(wanted: Node, existing: Node): { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } } | undefined {
  const labels: Record<string, string> = {};
  const want = wanted.metadata?.labels ?? {};
  const have = existing.metadata?.labels ?? {};
  for (const key of Object.keys(defaultNodeLabelsKeys)) {
    if (want[key] !== undefined && have[key] !== want[key]) labels[key] = want[key];
  }
  const annotations: Record<string, string> = {};
  const cmad = 'volumes.kubernetes.io/controller-managed-attach-detach';
  const wantA = wanted.metadata?.annotations?.[cmad];
  if (wantA !== undefined && existing.metadata?.annotations?.[cmad] !== wantA) annotations[cmad] = wantA;
  if (Object.keys(labels).length === 0 && Object.keys(annotations).length === 0) return undefined;
  return {
    metadata: {
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  };
}

const defaultNodeLabelsKeys = {
  'kubernetes.io/hostname': true, 'kubernetes.io/os': true, 'kubernetes.io/arch': true,
  'beta.kubernetes.io/os': true, 'beta.kubernetes.io/arch': true,
} as const;
