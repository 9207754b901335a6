/**
 * The k8ts provider's instances: a node is its own instance (as k3s's
 * built-in provider): providerID k8ts://<nodeName>, instance type "k8ts",
 * the addresses the kubelet reported, zone and region from the Node's
 * existing topology labels (none otherwise). An instance always exists and
 * is never reported shut down, so the cloud node lifecycle controller never
 * deletes or taints a k8ts node; the node lifecycle controller handles them.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { InstanceMetadata, InstancesV2 } from '../../cloud-provider.js';

export const K8TS_PROVIDER_NAME = 'k8ts';
export const K8TS_INSTANCE_TYPE = 'k8ts';

export function k8tsProviderID(nodeName: string): string {
  return `${K8TS_PROVIDER_NAME}://${nodeName}`;
}

export class NodeInstances implements InstancesV2 {
  instanceExists(): Promise<boolean> {
    return Promise.resolve(true);
  }

  instanceShutdown(): Promise<boolean> {
    return Promise.resolve(false);
  }

  instanceMetadata(node: Node): Promise<InstanceMetadata> {
    const labels = node.metadata?.labels ?? {};
    const zone = labels['topology.kubernetes.io/zone'];
    const region = labels['topology.kubernetes.io/region'];
    return Promise.resolve({
      providerID: k8tsProviderID(node.metadata!.name!),
      instanceType: K8TS_INSTANCE_TYPE,
      nodeAddresses: (node.status?.addresses ?? []).map((a) => ({ type: a.type, address: a.address })),
      ...(zone ? { zone } : {}),
      ...(region ? { region } : {}),
    });
  }
}
