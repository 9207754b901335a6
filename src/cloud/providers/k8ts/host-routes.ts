/**
 * The k8ts provider's routes: on the host the cloud controller manager runs
 * on, `ip route replace <podCIDR> via <nodeIP> proto 176` per remote node
 * (the protocol number marks k8ts's routes, so listing finds only them).
 * A node whose InternalIP is an address of this host gets no route: its pods
 * are on the local bridge. For clusters without flannel (which owns the pod
 * routes normally); the route controller runs only with
 * --configure-cloud-routes. Every command goes through a CommandRunner.
 */
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { ObjectStoreReader } from '../../../client/index.js';
import type { Route, Routes } from '../../cloud-provider.js';

/** Runs `argv[0]` with the rest as arguments; resolves stdout, rejects with stderr in the message. */
export type CommandRunner = (argv: readonly string[]) => Promise<string>;

/** The `proto` of k8ts's routes (any number the kernel and iproute2 leave unassigned). */
export const K8TS_ROUTE_PROTOCOL = '176';

export const execCommand: CommandRunner = (argv) => new Promise((resolve, reject) => {
  execFile(argv[0]!, argv.slice(1), { timeout: 10_000 }, (err, stdout, stderr) => {
    if (err) reject(new Error(`${argv.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
    else resolve(stdout);
  });
});

export function localAddresses(): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address)));
}

export interface HostRoutesOptions {
  /** The Nodes, by name (the provider's informer cache). */
  nodes: () => ObjectStoreReader<Node> | undefined;
  /** @default execCommand */
  run?: CommandRunner;
  /** @default localAddresses */
  local?: () => Set<string>;
}

const internalIP = (n: Node | undefined): string | undefined => n?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;

export class HostRoutes implements Routes {
  private readonly run: CommandRunner;
  private readonly local: () => Set<string>;

  constructor(private readonly opts: HostRoutesOptions) {
    this.run = opts.run ?? execCommand;
    this.local = opts.local ?? localAddresses;
  }

  /** k8ts's routes of this host, each named by its destination; a gateway no Node has makes a blackhole. */
  async listRoutes(): Promise<Route[]> {
    const out = await this.run(['ip', '-j', 'route', 'show', 'proto', K8TS_ROUTE_PROTOCOL]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(out.trim() || '[]');
    } catch (e) {
      throw new Error(`ip -j route show: output is not JSON: ${out.slice(0, 200)}`, { cause: e });
    }
    const byIP = new Map<string, string>();
    for (const n of this.opts.nodes()?.list() ?? []) {
      const ip = internalIP(n);
      if (ip) byIP.set(ip, n.metadata!.name!);
    }
    return (parsed as { dst?: string; gateway?: string }[]).filter((r) => r.dst && r.dst !== 'default').map((r) => {
      const dst = r.dst!.includes('/') ? r.dst! : `${r.dst!}/32`;
      const target = r.gateway ? byIP.get(r.gateway) : undefined;
      return { name: dst, targetNode: target ?? '', destinationCIDR: dst, ...(target ? {} : { blackhole: true }) };
    });
  }

  async createRoute(_clusterName: string, _nameHint: string, route: Route): Promise<void> {
    const ip = internalIP(this.opts.nodes()?.get(route.targetNode));
    if (!ip) throw new Error(`node ${route.targetNode} has no InternalIP to route ${route.destinationCIDR} through`);
    if (this.local().has(ip)) return;
    await this.run(['ip', 'route', 'replace', route.destinationCIDR, 'via', ip, 'proto', K8TS_ROUTE_PROTOCOL]);
  }

  async deleteRoute(_clusterName: string, route: Route): Promise<void> {
    await this.run(['ip', 'route', 'del', route.destinationCIDR, 'proto', K8TS_ROUTE_PROTOCOL]);
  }
}
