/**
 * kube-proxy: Services and EndpointSlices from the API server, turned into
 * packet-rewriting rules on this node. The change tracking (service-port,
 * endpoints, change-tracker) is shared by every mode; iptables/ is the
 * iptables mode (upstream's default), nftables/ and userspace/ the other
 * two (modes.ts picks one); healthcheck/ serves the
 * healthCheckNodePorts of externalTrafficPolicy Local services.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Registry } from 'prom-client';
import type { Logger } from '../api/log.js';
import { EventRecorder, Informer, RESOURCES, type RestClient } from '../client/index.js';
import { ProxyChangeTracker } from './change-tracker.js';
import { commandRunner } from './exec.js';
import { ServiceHealthServer } from './healthcheck/service-health-server.js';
import { clusterCidrDetector } from './iptables/local-detector.js';
import { proxyMetrics } from './metrics.js';
import { PROXY_MODES, bothFamilies, newModeProxier, type ModeProxier, type ModeSpecificOptions, type ProxyMode, type ProxySyncResult } from './modes.js';

export { ProxyChangeTracker, type ProxySnapshot } from './change-tracker.js';
export { servicePortsOf, servicePortKey, type ServicePortInfo } from './service-port.js';
export { endpointsOfSlices, categorizeEndpoints, type EndpointInfo } from './endpoints.js';
export { renderIPTablesRules, type IPTablesRulesOptions, type RenderedRules } from './iptables/rules.js';
export { renderNFTablesTransaction, type NFTablesRulesOptions, type RenderedNFTables } from './nftables/rules.js';
export { cleanupIPTablesModeLeftovers, cleanupNFTablesLeftovers, cleanupUserspaceLeftovers } from './cleanup.js';
export { cleanupOtherModes, PROXY_MODES, type ProxyMode } from './modes.js';

/**
 * The informers' label selector (upstream's cmd/kube-proxy/app/server.go):
 * services that name another proxy, and headless services' objects, are not ours.
 */
export const PROXY_LABEL_SELECTOR = '!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless';

export interface KubeProxyOptions extends ModeSpecificOptions {
  client: RestClient;
  /** This node's name: endpoints with this nodeName are local. */
  nodeName: string;
  /** This node's IPs (load-balancer source ranges, NodePort conntrack cleanup). */
  nodeIPs: string[];
  /** The pod network: its first IPv4 CIDR drives the ClusterCIDR local-traffic detector. [] for none. */
  clusterCidrs: string[];
  /**
   * iptables, nftables or userspace; the others' rules are removed at start.
   * Userspace proxy sockets live in this process's network namespace, so
   * with it commandPrefix must not point at another one.
   */
  mode: ProxyMode;
  /** Put before every iptables/nft/sysctl/conntrack command, e.g. ['ip', 'netns', 'exec', NS]. @default [] */
  commandPrefix?: string[];
  /** @default 'iptables' (iptables-legacy also works) */
  iptablesBinary?: string;
  log: Logger;
  /** Aborting it stops the proxy, as stop() does. */
  signal?: AbortSignal;
  /** @default 1000 */
  minSyncPeriodMs?: number;
  /** @default 30000 */
  syncPeriodMs?: number;
  /** @default false */
  masqueradeAll?: boolean;
  /** @default 14 */
  masqueradeBit?: number;
  /** @default true */
  localhostNodePorts?: boolean;
  /** Where healthCheckNodePort servers listen. @default '0.0.0.0' */
  healthCheckBindAddress?: string;
  /** Where the kubeproxy_* metrics go. @default a registry of its own */
  registry?: Registry;
}

export interface RunningKubeProxy {
  /** Resolves once both informers synced and the first sync ran (false if stopped first). */
  readonly firstSync: Promise<boolean>;
  /** Syncs so far, full ones, failures, and the last sync's result. */
  stats(): { syncs: number; fullSyncs: number; failures: number; last?: ProxySyncResult; lastSuccessAt: number };
  /** Resolves when no sync runs or is scheduled. */
  idle(): Promise<void>;
  /** Stops informers, the sync loop and the health-check servers. Leaves the rules in place (as upstream does on exit). */
  stop(): Promise<void>;
}

/**
 * Starts kube-proxy. Throws at once on bad options (unknown mode, a cluster
 * CIDR that does not parse); later failures (a restore that fails, a
 * health-check port in use) are logged and retried, never thrown.
 */
export function startKubeProxy(opts: KubeProxyOptions): RunningKubeProxy {
  if (!PROXY_MODES.includes(opts.mode)) throw new Error(`kube-proxy mode "${String(opts.mode)}" is not supported; want one of ${PROXY_MODES.join(', ')}`);
  if (!opts.nodeName) throw new Error('kube-proxy needs a node name');
  const localDetector = clusterCidrDetector(opts.clusterCidrs);
  const log = opts.log;
  const runner = commandRunner(opts.commandPrefix ?? []);
  const tracker = new ProxyChangeTracker({
    nodeName: opts.nodeName,
    onBadSlice: (s, reason) => log.error({ endpointSlice: `${s.metadata?.namespace}/${s.metadata?.name}` }, reason),
  });
  // nftables mode also programs IPv6 services, in table ip6 kube-proxy (made once there is one).
  const tracker6 = opts.mode === 'nftables' ? new ProxyChangeTracker({ nodeName: opts.nodeName, family: 'IPv6' }) : undefined;
  const trackers = bothFamilies(tracker, tracker6);
  const services = new Informer<Service>(opts.client, RESOURCES.services, { labelSelector: PROXY_LABEL_SELECTOR, logger: log });
  const slices = new Informer<EndpointSlice>(opts.client, RESOURCES.endpointslices, { labelSelector: PROXY_LABEL_SELECTOR, logger: log });
  const recorder = new EventRecorder({ client: opts.client, component: 'kube-proxy', host: opts.nodeName, logger: log });
  let proxier: ModeProxier | undefined;
  const healthServer = new ServiceHealthServer({
    bindAddress: opts.healthCheckBindAddress ?? '0.0.0.0',
    proxyHealthy: () => proxier?.healthy() ?? false,
    log,
    onListenError: (key, port, err) => {
      const svc = services.store.get(key);
      if (svc) recorder.event(svc, 'Warning', 'FailedToStartServiceHealthcheck', `node ${opts.nodeName} failed to start healthcheck on port ${port}: ${err.message}`);
    },
  });
  proxier = newModeProxier({
    mode: opts.mode, tracker, ...(tracker6 ? { tracker6 } : {}), runner, log, metrics: proxyMetrics(opts.registry), healthServer, localDetector,
    nodeIPs: opts.nodeIPs, clusterCidrs: opts.clusterCidrs,
    ...(opts.iptablesBinary ? { iptablesBinary: opts.iptablesBinary } : {}),
    ...(opts.minSyncPeriodMs !== undefined ? { minSyncPeriodMs: opts.minSyncPeriodMs } : {}),
    ...(opts.syncPeriodMs !== undefined ? { syncPeriodMs: opts.syncPeriodMs } : {}),
    ...(opts.masqueradeAll !== undefined ? { masqueradeAll: opts.masqueradeAll } : {}),
    ...(opts.masqueradeBit !== undefined ? { masqueradeBit: opts.masqueradeBit } : {}),
    ...(opts.localhostNodePorts !== undefined ? { localhostNodePorts: opts.localhostNodePorts } : {}),
    ...(opts.nftBinary ? { nftBinary: opts.nftBinary } : {}),
    ...(opts.serviceCidrs ? { serviceCidrs: opts.serviceCidrs } : {}),
    ...(opts.userspaceBindAddress ? { userspaceBindAddress: opts.userspaceBindAddress } : {}),
    ...(opts.udpIdleTimeoutMs !== undefined ? { udpIdleTimeoutMs: opts.udpIdleTimeoutMs } : {}),
  });
  const p = proxier;
  services.addEventHandler({
    onAdd: (s) => { if (trackers.onService(undefined, s)) p.requestSync(); },
    onUpdate: (o, s) => { if (trackers.onService(o, s)) p.requestSync(); },
    onDelete: (s) => { if (trackers.onService(s, undefined)) p.requestSync(); },
  });
  slices.addEventHandler({
    onAdd: (s) => { if (trackers.onEndpointSlice(s, false)) p.requestSync(); },
    onUpdate: (_o, s) => { if (trackers.onEndpointSlice(s, false)) p.requestSync(); },
    onDelete: (s) => { if (trackers.onEndpointSlice(s, true)) p.requestSync(); },
  });

  const abort = new AbortController();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    abort.abort();
    await Promise.all([services.stop(), slices.stop()]);
    await p.stop();
    await healthServer.close();
    log.info('kube-proxy stopped');
  })());
  if (opts.signal?.aborted) void stop();
  opts.signal?.addEventListener('abort', () => { void stop(); }, { once: true });

  const firstSync = (async () => {
    await p.start();
    services.start();
    slices.start();
    if (!(await Promise.all([services.waitForSync(abort.signal), slices.waitForSync(abort.signal)])).every(Boolean)) return false;
    log.info({ nodeName: opts.nodeName, mode: opts.mode }, 'kube-proxy informers synced; syncing rules');
    p.setInitialized();
    await p.idle();
    return !abort.signal.aborted;
  })();

  return { firstSync, stats: () => p.stats(), idle: () => p.idle(), stop };
}
