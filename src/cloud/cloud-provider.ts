/**
 * The cloud provider interface (upstream's k8s.io/cloud-provider cloud.go,
 * cloudprovider.Interface). A provider offers each capability or not: the
 * accessors return undefined when it is unsupported, as upstream's `(x, bool)`.
 * Every method may throw; a thrown error is retried by the calling controller
 * with back-off. No method may mutate the objects it is given.
 */
import type { Node, NodeAddress, Service, LoadBalancerStatus } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import type { InformerFactory, RestClient } from '../client/index.js';

/** What a provider may use once the controller manager runs (upstream's Initialize(clientBuilder, stop)). */
export interface ProviderContext {
  client: RestClient;
  /** The controller manager's shared informers; ask for them in initialize(), they start after. */
  informers: InformerFactory;
  logger: Logger;
}

export interface CloudProvider {
  /** The name it is registered under (upstream's ProviderName). */
  readonly providerName: string;
  /** Called once before any controller runs; may start watches of its own. Returns when ready. */
  initialize?(ctx: ProviderContext): void;
  /** Stops what initialize() started. */
  stop?(): Promise<void>;
  loadBalancer(): LoadBalancer | undefined;
  /** The older node interface; the controllers use instancesV2() when both exist, as upstream. */
  instances(): Instances | undefined;
  instancesV2(): InstancesV2 | undefined;
  zones(): Zones | undefined;
  routes(): Routes | undefined;
  /** Whether the provider needs a cluster ID (upstream's HasClusterID). */
  hasClusterID(): boolean;
}

/** upstream's LoadBalancer interface; `clusterName` is --cluster-name (default "kubernetes"). */
export interface LoadBalancer {
  /** The load balancer's current status, or undefined when it does not exist. */
  getLoadBalancer(clusterName: string, service: Service): Promise<LoadBalancerStatus | undefined>;
  /** The provider's name for the load balancer of `service` (upstream: "a" + the UID without dashes, cut to 32). */
  getLoadBalancerName(clusterName: string, service: Service): string;
  /**
   * Creates or updates the load balancer so that it forwards to `nodes`;
   * returns its status (the ingress points). Must be idempotent.
   */
  ensureLoadBalancer(clusterName: string, service: Service, nodes: readonly Node[]): Promise<LoadBalancerStatus>;
  /** Points an existing load balancer at `nodes`; must not create one. */
  updateLoadBalancer(clusterName: string, service: Service, nodes: readonly Node[]): Promise<void>;
  /** Deletes the load balancer if it exists; succeeds when it does not. */
  ensureLoadBalancerDeleted(clusterName: string, service: Service): Promise<void>;
}

/** upstream's Instances (by node name or providerID). */
export interface Instances {
  nodeAddresses(node: Node): Promise<NodeAddress[]>;
  instanceID(node: Node): Promise<string>;
  instanceType(node: Node): Promise<string>;
  /** False when the instance is gone; throws only when the answer is unknown. */
  instanceExistsByProviderID(providerID: string): Promise<boolean>;
  instanceShutdownByProviderID(providerID: string): Promise<boolean>;
}

/** What InstancesV2.instanceMetadata returns (upstream's InstanceMetadata). */
export interface InstanceMetadata {
  /** `<provider>://<id>`. */
  providerID: string;
  instanceType?: string;
  nodeAddresses: NodeAddress[];
  zone?: string;
  region?: string;
}

/** upstream's InstancesV2: by Node object, no separate Zones lookups. */
export interface InstancesV2 {
  /** False when the node's instance is gone; throws only when the answer is unknown. */
  instanceExists(node: Node): Promise<boolean>;
  instanceShutdown(node: Node): Promise<boolean>;
  instanceMetadata(node: Node): Promise<InstanceMetadata>;
}

export interface Zone {
  failureDomain?: string;
  region?: string;
}

/** upstream's Zones (used only when InstancesV2 is not offered). */
export interface Zones {
  zoneByProviderID(providerID: string): Promise<Zone>;
  zoneByNodeName(nodeName: string): Promise<Zone>;
}

/** One route of the cluster's pod network (upstream's cloudprovider.Route). */
export interface Route {
  /** The provider's name of the route. */
  name: string;
  /** The node the route leads to. */
  targetNode: string;
  destinationCIDR: string;
  /** A route whose target is gone; the route controller deletes these. */
  blackhole?: boolean;
}

/** upstream's Routes. */
export interface Routes {
  listRoutes(clusterName: string): Promise<Route[]>;
  /** Creates `route`; `nameHint` (the node's UID) may name it. Idempotent. */
  createRoute(clusterName: string, nameHint: string, route: Route): Promise<void>;
  deleteRoute(clusterName: string, route: Route): Promise<void>;
}

/** The node taint the kubelet registers with under --cloud-provider=external (cloudproviderapi.TaintExternalCloudProvider). */
export const TAINT_EXTERNAL_CLOUD_PROVIDER = 'node.cloudprovider.kubernetes.io/uninitialized';
/** The taint on a shut-down node (cloudproviderapi.TaintNodeShutdown). */
export const TAINT_NODE_SHUTDOWN = 'node.cloudprovider.kubernetes.io/shutdown';
