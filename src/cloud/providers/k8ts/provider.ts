/**
 * The built-in `k8ts` cloud provider: load balancers on the nodes' own
 * addresses (service-lb.ts), instances from the Node objects
 * (instances.ts), pod routes on this host (host-routes.ts). No Zones: zone
 * and region come with the instance metadata.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { RESOURCES, type Informer } from '../../../client/index.js';
import type { CloudProvider, Instances, InstancesV2, LoadBalancer, ProviderContext, Routes, Zones } from '../../cloud-provider.js';
import { HostRoutes, type CommandRunner } from './host-routes.js';
import { K8TS_PROVIDER_NAME, NodeInstances } from './instances.js';
import { ServiceLoadBalancer } from './service-lb.js';

export interface K8tsProviderOptions {
  /** Runs the `ip route` commands. @default execCommand */
  run?: CommandRunner;
  /** This host's addresses (no route to a node that is this host). @default the interfaces' addresses */
  localAddresses?: () => Set<string>;
}

export class K8tsCloudProvider implements CloudProvider {
  readonly providerName = K8TS_PROVIDER_NAME;
  private readonly lb = new ServiceLoadBalancer();
  private readonly nodeInstances = new NodeInstances();
  private readonly hostRoutes: HostRoutes;
  private nodes: Informer<Node> | undefined;

  constructor(opts: K8tsProviderOptions = {}) {
    this.hostRoutes = new HostRoutes({
      nodes: () => this.nodes?.store,
      ...(opts.run ? { run: opts.run } : {}),
      ...(opts.localAddresses ? { local: opts.localAddresses } : {}),
    });
  }

  initialize(ctx: ProviderContext): void {
    this.nodes = ctx.informers.forResource<Node>(RESOURCES.nodes);
    this.lb.initialize(ctx);
  }

  loadBalancer(): LoadBalancer { return this.lb; }
  instances(): Instances | undefined { return undefined; }
  instancesV2(): InstancesV2 { return this.nodeInstances; }
  zones(): Zones | undefined { return undefined; }
  routes(): Routes { return this.hostRoutes; }
  hasClusterID(): boolean { return false; }
}
