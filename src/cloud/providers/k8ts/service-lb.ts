/**
 * The k8ts provider's load balancers, after k3s's ServiceLB but with no
 * DaemonSet: a LoadBalancer Service's ingress IPs are the InternalIP and
 * ExternalIP addresses of the Ready load balancer nodes (only those labelled
 * svccontroller.k3s.cattle.io/enablelb=true when any node has that label, as
 * k3s), in the Service's IP families. kube-proxy programs the rules that make
 * nodeIP:port reach the Service. Readiness changes do not reach the service
 * controller (its node set ignores readiness), so this watches Nodes itself
 * and rewrites the status of the Services it serves, as k3s's ServiceLB does.
 */
import { isIP } from 'node:net';
import type { LoadBalancerIngress, LoadBalancerStatus, Node, Service } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../../api/log.js';
import { RESOURCES, objectKey, splitKey, type Informer, type RestClient } from '../../../client/index.js';
import type { LoadBalancer, ProviderContext } from '../../cloud-provider.js';

/** k3s's node label that limits ServiceLB to the nodes carrying it (pkg/cloudprovider/servicelb.go). */
export const LABEL_ENABLE_LB = 'svccontroller.k3s.cattle.io/enablelb';

const RECHECK_AFTER_ENSURE_MS = 1000;

const isReady = (n: Node): boolean => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** The ingress of `service` over `nodes` (the candidates, already filtered by the service controller). */
export function serviceLbIngress(service: Service, nodes: readonly Node[]): LoadBalancerIngress[] {
  const labelled = nodes.some((n) => n.metadata?.labels?.[LABEL_ENABLE_LB] === 'true');
  const chosen = nodes.filter((n) => isReady(n) && (!labelled || n.metadata?.labels?.[LABEL_ENABLE_LB] === 'true'));
  const families = service.spec?.ipFamilies?.length ? service.spec.ipFamilies : ['IPv4', 'IPv6'];
  const ips = new Set<string>();
  for (const n of chosen) {
    for (const a of n.status?.addresses ?? []) {
      if (a.type !== 'InternalIP' && a.type !== 'ExternalIP') continue;
      const family = isIP(a.address) === 6 ? 'IPv6' : isIP(a.address) === 4 ? 'IPv4' : undefined;
      if (family && families.includes(family)) ips.add(a.address);
    }
  }
  return [...ips].sort(compareIPs).map((ip) => ({ ip, ipMode: 'VIP' }));
}

function compareIPs(a: string, b: string): number {
  const fa = isIP(a);
  const fb = isIP(b);
  if (fa !== fb) return fa - fb;
  if (fa === 4) {
    const n = (s: string): number => s.split('.').reduce((x, o) => x * 256 + Number(o), 0);
    return n(a) - n(b);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export class ServiceLoadBalancer implements LoadBalancer {
  /** Per Service key: the load balancer node names last given. */
  private readonly served = new Map<string, string[]>();
  private nodes: Informer<Node> | undefined;
  private client: RestClient | undefined;
  private log: Logger | undefined;
  /** Status writes, one at a time, each computed from the cache when it runs: a later node event is never undone by an earlier write. */
  private writes: Promise<void> = Promise.resolve();

  /** Watches Nodes through the shared informers to follow readiness. */
  initialize(ctx: ProviderContext): void {
    this.client = ctx.client;
    this.log = ctx.logger;
    this.nodes = ctx.informers.forResource<Node>(RESOURCES.nodes);
    const resync = (): void => { if (this.nodes?.hasSynced()) void this.refreshAll(); };
    this.nodes.addEventHandler({ onAdd: resync, onUpdate: resync, onDelete: resync });
  }

  getLoadBalancer(_clusterName: string, service: Service): Promise<LoadBalancerStatus | undefined> {
    if (this.served.has(objectKey(service)) || (service.status?.loadBalancer?.ingress?.length ?? 0) > 0) {
      return Promise.resolve(service.status?.loadBalancer ?? {});
    }
    return Promise.resolve(undefined);
  }

  getLoadBalancerName(_clusterName: string, service: Service): string {
    return `a${(service.metadata?.uid ?? '').replace(/-/g, '')}`.slice(0, 32);
  }

  ensureLoadBalancer(_clusterName: string, service: Service, nodes: readonly Node[]): Promise<LoadBalancerStatus> {
    const key = objectKey(service);
    this.served.set(key, nodes.map((n) => n.metadata!.name!));
    // The service controller writes the status returned here; a node change racing with that write is caught by this re-check.
    setTimeout(() => { void this.writeStatus(key); }, RECHECK_AFTER_ENSURE_MS).unref();
    return Promise.resolve({ ingress: serviceLbIngress(service, this.current(nodes)) });
  }

  async updateLoadBalancer(_clusterName: string, service: Service, nodes: readonly Node[]): Promise<void> {
    this.served.set(objectKey(service), nodes.map((n) => n.metadata!.name!));
    await this.writeStatus(objectKey(service));
  }

  ensureLoadBalancerDeleted(_clusterName: string, service: Service): Promise<void> {
    this.served.delete(objectKey(service));
    return Promise.resolve();
  }

  /** The freshest copy of each node: the informer's, else the one given. */
  private current(nodes: readonly Node[]): Node[] {
    return nodes.map((n) => this.nodes?.store.get(n.metadata!.name!) ?? n);
  }

  private async refreshAll(): Promise<void> {
    for (const key of [...this.served.keys()]) await this.writeStatus(key);
  }

  private writeStatus(key: string): Promise<void> {
    this.writes = this.writes.then(() => this.writeStatusNow(key));
    return this.writes;
  }

  /** Patches the Service's status when the ingress of its nodes changed; a failure is logged, the next node event retries. */
  private async writeStatusNow(key: string): Promise<void> {
    const names = this.served.get(key);
    if (!names || !this.client) return;
    const { namespace, name } = splitKey(key);
    try {
      const service = await this.client.get<Service>(RESOURCES.services, name, { namespace });
      const nodes = names.map((n) => this.nodes?.store.get(n)).filter((n): n is Node => n !== undefined);
      const ingress = serviceLbIngress(service, nodes);
      if (JSON.stringify(ingress) === JSON.stringify(service.status?.loadBalancer?.ingress ?? [])) return;
      await this.client.patch(RESOURCES.services, name, { status: { loadBalancer: { ingress: ingress.length ? ingress : null } } }, { namespace, subresource: 'status' });
    } catch (e) {
      if ((e as { code?: number }).code === 404) { this.served.delete(key); return; }
      this.log?.warn({ service: key, err: e instanceof Error ? e.message : String(e) }, 'service load balancer: status update failed');
    }
  }
}
