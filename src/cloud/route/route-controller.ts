/**
 * The route controller (upstream's k8s.io/cloud-provider/controllers/route):
 * every reconciliation period and on Node changes, compares the provider's
 * routes with the Nodes' podCIDRs: a missing route is created (name hint:
 * the Node's UID) and the Node's NetworkUnavailable condition set False
 * (RouteCreated); a route that is a blackhole, or whose node is gone or has
 * another podCIDR, is deleted if it lies in the cluster CIDR. A failed
 * create gives a FailedToCreateRoute event and NetworkUnavailable True.
 */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient } from '../../client/index.js';
import type { Route, Routes } from '../cloud-provider.js';
import { cidrContains } from './cidr.js';

export interface RouteControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  routes: Routes;
  /** Events as `route-controller`. */
  recorder: EventRecorder;
  /** --cluster-cidr: only routes inside it are ours to delete. */
  clusterCIDR: string;
  logger?: Logger;
  /** @default 'kubernetes' */
  clusterName?: string;
  /** @default 10000 (upstream's --route-reconciliation-period) */
  reconcilePeriodMs?: number;
}

export interface RunningRouteController {
  stop(): Promise<void>;
  /** One reconcile now (after any in progress). */
  reconcile(): Promise<void>;
}

/** What a reconcile does, as data: routes to create per node, routes to delete. */
export interface RoutePlan {
  create: { node: Node; route: Route }[];
  delete: Route[];
  /** Nodes whose every podCIDR already has its route. */
  routed: Node[];
}

export function planRoutes(nodes: readonly Node[], existing: readonly Route[], clusterCIDR: string): RoutePlan {
  const have = new Set(existing.map((r) => `${r.targetNode} ${r.destinationCIDR}`));
  const want = new Map<string, Set<string>>();
  const plan: RoutePlan = { create: [], delete: [], routed: [] };
  for (const node of nodes) {
    const name = node.metadata!.name!;
    const cidrs = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
    want.set(name, new Set(cidrs));
    const missing = cidrs.filter((c) => !have.has(`${name} ${c}`));
    for (const c of missing) plan.create.push({ node, route: { name: '', targetNode: name, destinationCIDR: c } });
    if (cidrs.length > 0 && missing.length === 0) plan.routed.push(node);
  }
  for (const r of existing) {
    const stale = r.blackhole || !want.get(r.targetNode)?.has(r.destinationCIDR);
    if (stale && cidrContains(clusterCIDR, r.destinationCIDR)) plan.delete.push(r);
  }
  return plan;
}

export function startRouteController(opts: RouteControllerOptions): RunningRouteController {
  const { client, routes, recorder } = opts;
  const clusterName = opts.clusterName ?? 'kubernetes';
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  async function setNetworkCondition(node: Node, created: boolean): Promise<void> {
    const current = node.status?.conditions?.find((c) => c.type === 'NetworkUnavailable');
    const status = created ? 'False' : 'True';
    if (current?.status === status) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition: NodeCondition = created
      ? { type: 'NetworkUnavailable', status, reason: 'RouteCreated', message: 'RouteController created a route', lastTransitionTime: now, lastHeartbeatTime: now }
      : { type: 'NetworkUnavailable', status, reason: 'NoRouteCreated', message: 'RouteController failed to create a route', lastTransitionTime: now, lastHeartbeatTime: now };
    await client.patch(RESOURCES.nodes, node.metadata!.name!, { status: { conditions: [condition] } }, { type: 'strategic', subresource: 'status' });
  }

  async function reconcileOnce(): Promise<void> {
    const plan = planRoutes(nodes.store.list(), await routes.listRoutes(clusterName), opts.clusterCIDR);
    for (const r of plan.delete) {
      opts.logger?.info({ route: r.name, cidr: r.destinationCIDR, node: r.targetNode }, 'deleting route');
      await routes.deleteRoute(clusterName, r).catch((e: unknown) => opts.logger?.warn({ route: r.name, err: String(e) }, 'could not delete route'));
    }
    const failed = new Set<Node>();
    for (const { node, route } of plan.create) {
      const started = Date.now();
      try {
        await routes.createRoute(clusterName, node.metadata!.uid ?? node.metadata!.name!, route);
      } catch (e) {
        failed.add(node);
        recorder.event({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Warning', 'FailedToCreateRoute',
          `Could not create route ${node.metadata!.uid ?? ''} ${route.destinationCIDR} for node ${route.targetNode} after ${Date.now() - started}ms: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const created = new Set([...plan.routed, ...plan.create.map((c) => c.node).filter((n) => !failed.has(n))]);
    for (const node of [...created, ...failed]) {
      await setNetworkCondition(node, !failed.has(node)).catch((e: unknown) => opts.logger?.warn({ node: node.metadata?.name, err: String(e) }, 'could not update NetworkUnavailable'));
    }
  }

  const reconcile = (): Promise<void> => {
    chain = chain.then(() => (stopped ? undefined : reconcileOnce())).catch((e: unknown) => {
      opts.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'route reconcile failed');
    });
    return chain;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => { void reconcile().finally(schedule); }, opts.reconcilePeriodMs ?? 10_000);
  };
  const cidrsOf = (n: Node): string => JSON.stringify(n.spec?.podCIDRs ?? n.spec?.podCIDR ?? null);
  nodes.addEventHandler({
    onAdd: () => { if (nodes.hasSynced()) void reconcile(); },
    onUpdate: (o, n) => { if (cidrsOf(o) !== cidrsOf(n)) void reconcile(); },
    onDelete: () => { void reconcile(); },
  });
  nodes.start();
  void nodes.waitForSync().then((ok) => { if (ok) { void reconcile(); schedule(); } });
  return {
    reconcile,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}
