/**
 * The cloud controller manager's controllers, in upstream's --controllers
 * names (cloud-controller-manager's KnownControllers; the older short names
 * are accepted as aliases, as upstream does), and their selection.
 */
import { EventRecorder, type InformerFactory, type RestClient } from '../client/index.js';
import type { Logger } from '../api/log.js';
import type { CloudProvider } from './cloud-provider.js';
import { nodeInstances } from './instances.js';
import { startCloudNodeController } from './node/cloud-node-controller.js';
import { startCloudNodeLifecycleController } from './nodelifecycle/cloud-node-lifecycle-controller.js';
import { startRouteController } from './route/route-controller.js';
import { startServiceController } from './service/service-controller.js';

export interface CloudControllerConfig {
  /** --cluster-name. @default 'kubernetes' */
  clusterName: string;
  /** --cluster-cidr, the routes the route controller owns. @default '10.42.0.0/16' */
  clusterCIDR: string;
  /** --configure-cloud-routes. @default false (flannel owns pod routes in k8ts) */
  configureCloudRoutes: boolean;
  /** --node-monitor-period of the lifecycle controller. @default 5000 */
  nodeMonitorPeriodMs: number;
  /** --route-reconciliation-period. @default 10000 */
  routeReconcilePeriodMs: number;
  /** First retry delay of a failed load balancer sync. @default 5000 */
  serviceRetryBaseMs: number;
}

export const DEFAULT_CLOUD_CONTROLLER_CONFIG: Readonly<CloudControllerConfig> = Object.freeze({
  clusterName: 'kubernetes',
  clusterCIDR: '10.42.0.0/16',
  configureCloudRoutes: false,
  nodeMonitorPeriodMs: 5000,
  routeReconcilePeriodMs: 10_000,
  serviceRetryBaseMs: 5000,
});

export interface CloudControllerContext {
  client: RestClient;
  informers: InformerFactory;
  provider: CloudProvider;
  logger: Logger;
  config: Readonly<CloudControllerConfig>;
}

export interface CloudControllerDescriptor {
  name: string;
  aliases: readonly string[];
  /** Starts the loop, or returns undefined (with a log line) when the provider lacks what it needs. */
  start(ctx: CloudControllerContext): { stop(): Promise<void> } | undefined;
}

const recorder = (ctx: CloudControllerContext, component: string): EventRecorder => new EventRecorder({ client: ctx.client, component, logger: ctx.logger });

export const CLOUD_CONTROLLERS: readonly CloudControllerDescriptor[] = [
  {
    name: 'cloud-node-controller', aliases: ['cloud-node'],
    start(ctx) {
      const instances = nodeInstances(ctx.provider);
      if (!instances) { ctx.logger.warn('the cloud provider offers no instances: cloud-node-controller not started'); return undefined; }
      return startCloudNodeController({ client: ctx.client, informers: ctx.informers, instances, recorder: recorder(ctx, 'cloud-node-controller'), logger: ctx.logger });
    },
  },
  {
    name: 'cloud-node-lifecycle-controller', aliases: ['cloud-node-lifecycle'],
    start(ctx) {
      const instances = nodeInstances(ctx.provider);
      if (!instances) { ctx.logger.warn('the cloud provider offers no instances: cloud-node-lifecycle-controller not started'); return undefined; }
      return startCloudNodeLifecycleController({
        client: ctx.client, informers: ctx.informers, instances, recorder: recorder(ctx, 'cloud-node-lifecycle-controller'),
        logger: ctx.logger, monitorPeriodMs: ctx.config.nodeMonitorPeriodMs,
      });
    },
  },
  {
    name: 'service-lb-controller', aliases: ['service'],
    start(ctx) {
      const loadBalancer = ctx.provider.loadBalancer();
      if (!loadBalancer) { ctx.logger.warn('the cloud provider offers no load balancers: service-lb-controller not started'); return undefined; }
      return startServiceController({
        client: ctx.client, informers: ctx.informers, loadBalancer, recorder: recorder(ctx, 'service-controller'), logger: ctx.logger,
        clusterName: ctx.config.clusterName, retryBaseMs: ctx.config.serviceRetryBaseMs,
      });
    },
  },
  {
    name: 'node-route-controller', aliases: ['route'],
    start(ctx) {
      const routes = ctx.provider.routes();
      if (!ctx.config.configureCloudRoutes) { ctx.logger.info('--configure-cloud-routes is false: node-route-controller not started'); return undefined; }
      if (!routes) { ctx.logger.warn('the cloud provider offers no routes: node-route-controller not started'); return undefined; }
      return startRouteController({
        client: ctx.client, informers: ctx.informers, routes, recorder: recorder(ctx, 'route-controller'), logger: ctx.logger,
        clusterName: ctx.config.clusterName, clusterCIDR: ctx.config.clusterCIDR, reconcilePeriodMs: ctx.config.routeReconcilePeriodMs,
      });
    },
  },
];

/** The controllers `spec` selects (`*`, NAME, -NAME; names or aliases); throws naming an unknown one. */
export function selectCloudControllers(spec: readonly string[], available: readonly CloudControllerDescriptor[] = CLOUD_CONTROLLERS): CloudControllerDescriptor[] {
  const canonical = new Map<string, string>();
  for (const d of available) for (const n of [d.name, ...d.aliases]) canonical.set(n, d.name);
  const named = new Set<string>();
  const removed = new Set<string>();
  for (const s of spec) {
    const raw = s.replace(/^-/, '');
    if (raw === '*') continue;
    const name = canonical.get(raw);
    if (!name) throw new Error(`unknown controller ${JSON.stringify(raw)}; known: ${available.map((d) => d.name).join(', ')}`);
    (s.startsWith('-') ? removed : named).add(name);
  }
  const all = spec.includes('*');
  return available.filter((d) => !removed.has(d.name) && (all || named.has(d.name)));
}
