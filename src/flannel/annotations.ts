/**
 * flannel's kube subnet manager keeps each node's lease on its Node object:
 * spec.podCIDR is the subnet, and annotations under
 * `flannel.alpha.coreos.com/` say how to reach it (flannel's
 * pkg/subnet/kube/annotations.go: backend-type, backend-data, public-ip,
 * kube-subnet-manager). Each node writes its own; every node reads the others'.
 */
import type { Node } from 'kubernetes-types/core/v1.js';

export const ANN_PREFIX = 'flannel.alpha.coreos.com/';
export const ANN_BACKEND_TYPE = `${ANN_PREFIX}backend-type`;
export const ANN_BACKEND_DATA = `${ANN_PREFIX}backend-data`;
export const ANN_PUBLIC_IP = `${ANN_PREFIX}public-ip`;
export const ANN_KUBE_SUBNET_MANAGER = `${ANN_PREFIX}kube-subnet-manager`;

export type FlannelBackend = 'host-gw' | 'vxlan';
export const FLANNEL_BACKENDS = ['host-gw', 'vxlan', 'none'] as const;

/** A node's lease as another node sees it. */
export interface Lease {
  nodeName: string;
  /** spec.podCIDR (IPv4). */
  subnet: string;
  publicIP: string;
  backendType: string;
  /** vxlan only: the MAC of the node's flannel.1. */
  vtepMAC?: string;
}

/**
 * The annotations a node writes about itself. backend-data is flannel's
 * JSON: `null` for host-gw, `{"VNI":1,"VtepMAC":"…"}` for vxlan (its
 * backend/vxlan vxlanLeaseAttrs).
 */
export function ownAnnotations(backend: FlannelBackend, publicIP: string, vtepMAC?: string): Record<string, string> {
  const data = backend === 'vxlan' ? JSON.stringify({ VNI: 1, VtepMAC: vtepMAC }) : 'null';
  return {
    [ANN_BACKEND_TYPE]: backend,
    [ANN_BACKEND_DATA]: data,
    [ANN_PUBLIC_IP]: publicIP,
    [ANN_KUBE_SUBNET_MANAGER]: 'true',
  };
}

/** Whether `node` already carries `want`. */
export function hasAnnotations(node: Node, want: Record<string, string>): boolean {
  const have = node.metadata?.annotations ?? {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/**
 * The lease of `node`, or a reason it has none usable yet (no podCIDR, no
 * flannel annotations, a malformed backend-data).
 */
export function leaseOf(node: Node): Lease | { skip: string } {
  const nodeName = node.metadata?.name ?? '';
  const ann = node.metadata?.annotations ?? {};
  const subnet = node.spec?.podCIDRs?.find((c) => !c.includes(':')) ?? node.spec?.podCIDR;
  if (!subnet || subnet.includes(':')) return { skip: 'no IPv4 podCIDR' };
  const publicIP = ann[ANN_PUBLIC_IP];
  const backendType = ann[ANN_BACKEND_TYPE];
  if (ann[ANN_KUBE_SUBNET_MANAGER] !== 'true' || !publicIP || !backendType) return { skip: 'no flannel annotations' };
  const lease: Lease = { nodeName, subnet, publicIP, backendType };
  if (backendType === 'vxlan') {
    let data: unknown;
    try {
      data = JSON.parse(ann[ANN_BACKEND_DATA] ?? '');
    } catch {
      return { skip: `malformed ${ANN_BACKEND_DATA} ${JSON.stringify(ann[ANN_BACKEND_DATA])}` };
    }
    const mac = (data as { VtepMAC?: unknown } | null)?.VtepMAC;
    if (typeof mac !== 'string' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)) {
      return { skip: `${ANN_BACKEND_DATA} has no VtepMAC: ${JSON.stringify(ann[ANN_BACKEND_DATA])}` };
    }
    lease.vtepMAC = mac.toLowerCase();
  }
  return lease;
}
