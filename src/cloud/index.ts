/**
 * cloud/: the cloud provider interface (cloud-provider.ts), the registry of
 * providers by name, the controllers upstream's cloud-controller-manager runs
 * (service load balancers, node initialization, node lifecycle, routes) and
 * the built-in `k8ts` provider (load balancers on the nodes' addresses, as
 * k3s's ServiceLB). Imports only client/ and api/.
 */
import { registerCloudProvider } from './registry.js';
import { K8tsCloudProvider } from './providers/k8ts/provider.js';
import { K8TS_PROVIDER_NAME } from './providers/k8ts/instances.js';

export type {
  CloudProvider, ProviderContext, LoadBalancer, Instances, InstancesV2, InstanceMetadata, Zones, Zone, Routes, Route,
} from './cloud-provider.js';
export { TAINT_EXTERNAL_CLOUD_PROVIDER, TAINT_NODE_SHUTDOWN } from './cloud-provider.js';
export { registerCloudProvider, initCloudProvider, cloudProviderNames, type CloudProviderFactory } from './registry.js';
export { startCloudControllerManager, type CloudControllerManagerOptions, type RunningCloudControllerManager } from './manager.js';
export { CLOUD_CONTROLLERS, DEFAULT_CLOUD_CONTROLLER_CONFIG, selectCloudControllers, type CloudControllerConfig } from './controllers.js';
export { K8tsCloudProvider, type K8tsProviderOptions } from './providers/k8ts/provider.js';
export { LOAD_BALANCER_CLEANUP_FINALIZER } from './service/load-balancer-service.js';

registerCloudProvider(K8TS_PROVIDER_NAME, () => new K8tsCloudProvider());
