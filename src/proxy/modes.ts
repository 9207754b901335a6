/**
 * The proxy modes behind startKubeProxy: builds the proxier of the chosen
 * mode and, before its first sync, removes what the other modes left
 * (upstream's cmd/kube-proxy runs every other proxier's CleanupLeftovers
 * the same way). Cleanup failures are logged, never fatal.
 */
import type { Logger } from '../api/log.js';
import { cleanupIPTablesModeLeftovers, cleanupNFTablesLeftovers, cleanupUserspaceLeftovers } from './cleanup.js';
import type { ProxyChangeTracker } from './change-tracker.js';
import type { Runner } from './exec.js';
import type { ServiceHealthServer } from './healthcheck/service-health-server.js';
import type { LocalTrafficDetector } from './iptables/local-detector.js';
import { IPTablesProxier } from './iptables/proxier.js';
import type { ProxyMetrics } from './metrics.js';
import { nftClusterCidrDetector } from './nftables/local-detector.js';
import { NFTablesProxier } from './nftables/proxier.js';
import { UserspaceProxier } from './userspace/proxier.js';

export type ProxyMode = 'iptables' | 'nftables' | 'userspace';
export const PROXY_MODES: readonly ProxyMode[] = ['iptables', 'nftables', 'userspace'];

/** What every mode's sync reports. */
export interface ProxySyncResult { full: boolean; ok: boolean; durationMs: number; error?: string }

/** The part of a proxier startKubeProxy drives. */
export interface ModeProxier {
  start(): Promise<void>;
  setInitialized(): void;
  requestSync(): void;
  idle(): Promise<void>;
  stop(): Promise<void>;
  healthy(): boolean;
  stats(): { syncs: number; fullSyncs: number; failures: number; last?: ProxySyncResult; lastSuccessAt: number };
}

/** Options only some modes read. */
export interface ModeSpecificOptions {
  /** nftables mode. @default 'nft' */
  nftBinary?: string;
  /** nftables mode: traffic to unallocated IPs in these CIDRs is dropped. @default [] */
  serviceCidrs?: string[];
  /** userspace mode: where proxy sockets listen. @default '0.0.0.0' */
  userspaceBindAddress?: string;
  /** userspace mode. @default 250 */
  udpIdleTimeoutMs?: number;
}

export interface ModeProxierDeps extends ModeSpecificOptions {
  mode: ProxyMode;
  tracker: ProxyChangeTracker;
  /** nftables mode: the IPv6 view; its services go to table ip6 kube-proxy. */
  tracker6?: ProxyChangeTracker;
  runner: Runner;
  log: Logger;
  metrics: ProxyMetrics;
  healthServer: ServiceHealthServer;
  nodeIPs: string[];
  clusterCidrs: string[];
  localDetector: LocalTrafficDetector | undefined;
  iptablesBinary?: string;
  minSyncPeriodMs?: number;
  syncPeriodMs?: number;
  masqueradeAll?: boolean;
  masqueradeBit?: number;
  localhostNodePorts?: boolean;
}

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Feeds the IPv4 and (when given) IPv6 trackers alike; each call is true when either changed. */
export function bothFamilies(v4: ProxyChangeTracker, v6: ProxyChangeTracker | undefined): Pick<ProxyChangeTracker, 'onService' | 'onEndpointSlice'> {
  return {
    onService: (prev, cur) => { const a = v4.onService(prev, cur); const b = v6?.onService(prev, cur) ?? false; return a || b; },
    onEndpointSlice: (slice, removed) => { const a = v4.onEndpointSlice(slice, removed); const b = v6?.onEndpointSlice(slice, removed) ?? false; return a || b; },
  };
}

/**
 * Runs an IPv4 and an IPv6 proxier as one (upstream's metaproxier). Stats
 * add up; the last result is the IPv4 one unless only IPv6 failed.
 */
function dualStack(v4: ModeProxier, v6: ModeProxier): ModeProxier {
  return {
    start: async () => { await v4.start(); await v6.start(); },
    setInitialized: () => { v4.setInitialized(); v6.setInitialized(); },
    requestSync: () => { v4.requestSync(); v6.requestSync(); },
    idle: async () => { await Promise.all([v4.idle(), v6.idle()]); },
    stop: async () => { await Promise.all([v4.stop(), v6.stop()]); },
    healthy: () => v4.healthy() && v6.healthy(),
    stats: () => {
      const a = v4.stats();
      const b = v6.stats();
      const last = b.last && !b.last.ok && a.last?.ok !== false ? b.last : a.last;
      return { syncs: a.syncs + b.syncs, fullSyncs: a.fullSyncs + b.fullSyncs, failures: a.failures + b.failures, ...(last ? { last } : {}), lastSuccessAt: Math.min(a.lastSuccessAt, b.lastSuccessAt || a.lastSuccessAt) };
    },
  };
}

/** Removes the rules of every mode but `mode`; never rejects. */
export async function cleanupOtherModes(mode: ProxyMode, runner: Runner, log: Logger, iptablesBinary = 'iptables', nftBinary = 'nft'): Promise<void> {
  const steps: Array<[ProxyMode, () => Promise<number>]> = [
    ['iptables', () => cleanupIPTablesModeLeftovers(runner, iptablesBinary)],
    ['nftables', () => cleanupNFTablesLeftovers(runner, nftBinary)],
    ['userspace', () => cleanupUserspaceLeftovers(runner, iptablesBinary)],
  ];
  for (const [other, clean] of steps) {
    if (other === mode) continue;
    try {
      const n = await clean();
      if (n > 0) log.info({ mode: other, removed: n }, 'removed the rules another kube-proxy mode left');
    } catch (err) {
      const msg = (err as Error).message;
      // A mode whose binary is not installed left nothing behind.
      if (/ENOENT/.test(msg)) log.debug({ mode: other, err: msg }, 'no binary to clean up another kube-proxy mode with');
      else log.error({ mode: other, err: msg }, 'cannot remove the rules of another kube-proxy mode');
    }
  }
}

/** The proxier of `d.mode`; its start() first cleans up the other modes. Throws on options the mode cannot use. */
export function newModeProxier(d: ModeProxierDeps): ModeProxier {
  const common = defined({ minSyncPeriodMs: d.minSyncPeriodMs, syncPeriodMs: d.syncPeriodMs });
  let inner: ModeProxier;
  switch (d.mode) {
    case 'iptables':
      inner = new IPTablesProxier({
        tracker: d.tracker, runner: d.runner, log: d.log, metrics: d.metrics, healthServer: d.healthServer, localDetector: d.localDetector, nodeIPs: d.nodeIPs,
        ...common, ...defined({ iptablesBinary: d.iptablesBinary, masqueradeAll: d.masqueradeAll, masqueradeBit: d.masqueradeBit, localhostNodePorts: d.localhostNodePorts }),
      });
      break;
    case 'nftables': {
      const det = nftClusterCidrDetector(d.clusterCidrs);
      const opts = defined({ nftBinary: d.nftBinary, masqueradeAll: d.masqueradeAll, masqueradeBit: d.masqueradeBit });
      const v4 = new NFTablesProxier({
        tracker: d.tracker, runner: d.runner, log: d.log, metrics: d.metrics, healthServer: d.healthServer, nodeIPs: d.nodeIPs,
        ...(det ? { localDetector: det } : {}), ...common, ...opts,
        ...(d.serviceCidrs ? { serviceCidrs: d.serviceCidrs.filter((c) => !c.includes(':')) } : {}),
      });
      if (!d.tracker6) { inner = v4; break; }
      const det6 = nftClusterCidrDetector(d.clusterCidrs, 'ip6');
      // The health-check servers and the conntrack cleanup stay with the IPv4 proxier (one server per port).
      const v6 = new NFTablesProxier({
        family: 'ip6', tracker: d.tracker6, runner: d.runner, log: d.log.child({ ipFamily: 'IPv6' }), metrics: d.metrics, skipWhenEmpty: true, conntrackCleanup: false,
        nodeIPs: d.nodeIPs.filter((ip) => ip.includes(':')), ...(det6 ? { localDetector: det6 } : {}), ...common, ...opts,
        ...(d.serviceCidrs ? { serviceCidrs: d.serviceCidrs.filter((c) => c.includes(':')) } : {}),
      });
      inner = dualStack(v4, v6);
      break;
    }
    case 'userspace':
      inner = new UserspaceProxier({
        tracker: d.tracker, runner: d.runner, log: d.log, metrics: d.metrics, healthServer: d.healthServer, nodeIPs: d.nodeIPs,
        ...common, ...defined({ iptablesBinary: d.iptablesBinary, bindAddress: d.userspaceBindAddress, udpIdleTimeoutMs: d.udpIdleTimeoutMs }),
      });
      break;
    default:
      throw new Error(`kube-proxy mode "${String(d.mode)}" is not supported; want one of ${PROXY_MODES.join(', ')}`);
  }
  const p = inner;
  return {
    start: async () => {
      await cleanupOtherModes(d.mode, d.runner, d.log, d.iptablesBinary, d.nftBinary);
      await p.start();
    },
    setInitialized: () => p.setInitialized(),
    requestSync: () => p.requestSync(),
    idle: () => p.idle(),
    stop: () => p.stop(),
    healthy: () => p.healthy(),
    stats: () => p.stats(),
  };
}
