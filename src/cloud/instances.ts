/**
 * One view of a provider's node capabilities: InstancesV2 when offered, else
 * Instances plus Zones (as upstream's cloud node controllers fall back).
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { CloudProvider, InstanceMetadata } from './cloud-provider.js';

export interface NodeInstances {
  instanceExists(node: Node): Promise<boolean>;
  instanceShutdown(node: Node): Promise<boolean>;
  instanceMetadata(node: Node): Promise<InstanceMetadata>;
}

/** undefined when the provider offers neither Instances nor InstancesV2. */
export function nodeInstances(provider: CloudProvider): NodeInstances | undefined {
  const v2 = provider.instancesV2();
  if (v2) return v2;
  const v1 = provider.instances();
  if (!v1) return undefined;
  const zones = provider.zones();
  const providerIdOf = async (node: Node): Promise<string> => {
    if (node.spec?.providerID) return node.spec.providerID;
    return `${provider.providerName}://${await v1.instanceID(node)}`;
  };
  return {
    instanceExists: async (node) => v1.instanceExistsByProviderID(await providerIdOf(node)),
    instanceShutdown: async (node) => v1.instanceShutdownByProviderID(await providerIdOf(node)),
    async instanceMetadata(node) {
      const providerID = await providerIdOf(node);
      const zone = zones ? await zones.zoneByProviderID(providerID) : {};
      return {
        providerID, instanceType: await v1.instanceType(node), nodeAddresses: await v1.nodeAddresses(node),
        ...(zone.failureDomain ? { zone: zone.failureDomain } : {}), ...(zone.region ? { region: zone.region } : {}),
      };
    },
  };
}
