/**
 * What the controller manager hands each controller it starts.
 */
import type { Logger } from '../api/log.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { InformerFactory } from '../client/informer-factory.js';
import type { RestClient } from '../client/rest-client.js';

/** Tunables shared by the controllers; every field has upstream's default. */
export interface ControllerManagerConfig {
  /** A node whose Lease is older than this is NotReady/Unknown (node lifecycle). @default 40000 */
  nodeMonitorGracePeriodMs: number;
  /** How often the node lifecycle controller checks Leases. @default 5000 */
  nodeMonitorPeriodMs: number;
  /** Endpoints in one EndpointSlice before another is made (--max-endpoints-per-slice). @default 100 */
  maxEndpointsPerSlice: number;
  /** Workers per controller where upstream has a flag for it (--concurrent-*-syncs). @default 5 */
  concurrentSyncs: number;
  /** --allocate-node-cidrs: the node IPAM controller hands out podCIDRs. @default true (k3s; upstream's is false) */
  allocateNodeCIDRs: boolean;
  /** --cluster-cidr: one CIDR, or two of different families. @default '10.42.0.0/16' (k3s) */
  clusterCIDR: string;
  /** --node-cidr-mask-size, -ipv4, -ipv6; 0 is unset (then /24 for IPv4, /64 for IPv6). @default 0 */
  nodeCIDRMaskSize: number;
  nodeCIDRMaskSizeIPv4: number;
  nodeCIDRMaskSizeIPv6: number;
  /** --service-cluster-ip-range: node CIDRs overlapping it are not handed out. @default '' (none) */
  serviceClusterIPRange: string;
}

export const DEFAULT_CONTROLLER_MANAGER_CONFIG: Readonly<ControllerManagerConfig> = Object.freeze({
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  maxEndpointsPerSlice: 100,
  concurrentSyncs: 5,
  allocateNodeCIDRs: true,
  clusterCIDR: '10.42.0.0/16',
  nodeCIDRMaskSize: 0,
  nodeCIDRMaskSizeIPv4: 0,
  nodeCIDRMaskSizeIPv6: 0,
  serviceClusterIPRange: '',
});

export interface ControllerContext {
  /** For writes and reads the informers do not cover. Shared by all controllers. */
  client: RestClient;
  /**
   * Shared informers: ask for every informer in start(); the manager starts
   * the factory after every controller's start() returned. Controllers wait
   * for their own informers to sync (startController does).
   */
  informers: InformerFactory;
  /** A child logger named after the controller. */
  logger: Logger;
  /** Events from `<name>-controller`, as upstream's component names. */
  recorder: EventRecorder;
  config: Readonly<ControllerManagerConfig>;
}

/** One control loop the manager can start, named as upstream's --controllers flag names it. */
export interface ControllerDescriptor {
  name: string;
  /** Starts the loop. stop() ends it and resolves when its workers have exited. */
  start(ctx: ControllerContext): { stop(): Promise<void> };
}
