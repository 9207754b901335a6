/**
 * The userspace-mode proxier (upstream's pkg/proxy/userspace/proxier.go,
 * the seeds' original mode): a proxy socket per service port in this
 * process (so in this process's network namespace: a commandPrefix must
 * point at the same one), the load balancer fed from the change tracker,
 * and the portal rules applied by one iptables-restore per sync (atomic
 * per table; a failure leaves the previous rules and is retried after
 * syncPeriodMs as a full sync). Sockets open before the rules point at
 * them and close only after the rules stop pointing at them. With
 * externalTrafficPolicy Local a second socket balances external traffic
 * (NodePort, external and load-balancer IPs) over this node's endpoints;
 * the client's IP is not kept (no proxy of this kind keeps it).
 */
import type { Logger } from '../../api/log.js';
import type { ProxyChangeTracker } from '../change-tracker.js';
import { categorizeEndpoints, type EndpointInfo } from '../endpoints.js';
import type { Runner } from '../exec.js';
import type { ServiceHealthServer } from '../healthcheck/service-health-server.js';
import { IPTables } from '../iptables/iptables.js';
import type { ProxyMetrics } from '../metrics.js';
import { postSync } from '../post-sync.js';
import { isExternallyAccessible, servicePortKey, type ServicePortInfo } from '../service-port.js';
import { SyncRunner } from '../sync-runner.js';
import { openTCPProxySocket, openUDPProxySocket, type ProxySocket } from './proxy-socket.js';
import { LoadBalancerRR } from './round-robin.js';
import { KUBE_PORTALS_CONTAINER, USERSPACE_JUMPS, renderUserspaceRules, type Portal } from './rules.js';

export interface UserspaceProxierOptions {
  tracker: ProxyChangeTracker;
  runner: Runner;
  log: Logger;
  metrics: ProxyMetrics;
  /** This node's IPs; the first is where host-originated traffic is DNATed to. */
  nodeIPs: readonly string[];
  /** @default '0.0.0.0' */
  bindAddress?: string;
  /** @default 'iptables' */
  iptablesBinary?: string;
  /** @default 1000 */
  minSyncPeriodMs?: number;
  /** @default 30000 */
  syncPeriodMs?: number;
  /** @default 250 (upstream's udpIdleTimeout default) */
  udpIdleTimeoutMs?: number;
  healthServer?: ServiceHealthServer;
  /** @default true */
  conntrackCleanup?: boolean;
}

export interface UserspaceSyncResult { full: boolean; ok: boolean; durationMs: number; sockets: number; error?: string }

interface OpenSocket { socket: ProxySocket; svc: ServicePortInfo }

/** The load-balancer key of a service port's external socket: servicePortKey + this. */
const EXTERNAL_KEY_SUFFIX = '/external';

export class UserspaceProxier {
  readonly lb = new LoadBalancerRR();
  private readonly ipt: IPTables;
  private readonly loop: SyncRunner<UserspaceSyncResult>;
  private readonly after: ReturnType<typeof postSync>;
  private readonly sockets = new Map<string, OpenSocket>();
  private readonly failedToOpen = new Set<string>();
  private needFullSync = true;
  private counts = { syncs: 0, fullSyncs: 0, failures: 0 };
  private lastSuccessAt = 0;

  constructor(private readonly o: UserspaceProxierOptions) {
    if (!o.nodeIPs[0] && (o.bindAddress ?? '0.0.0.0') === '0.0.0.0') throw new Error('userspace kube-proxy needs a node IP (host traffic is DNATed to it) or a bind address');
    this.ipt = new IPTables(o.runner, { binary: o.iptablesBinary ?? 'iptables' });
    this.after = postSync({ runner: o.runner, log: o.log, nodeIPs: o.nodeIPs, ...(o.healthServer ? { healthServer: o.healthServer } : {}), ...(o.conntrackCleanup !== undefined ? { conntrackCleanup: o.conntrackCleanup } : {}) });
    this.loop = new SyncRunner({
      sync: () => this.syncProxyRules(),
      periodic: () => this.periodicCheck(),
      ...(o.minSyncPeriodMs !== undefined ? { minSyncPeriodMs: o.minSyncPeriodMs } : {}),
      ...(o.syncPeriodMs !== undefined ? { syncPeriodMs: o.syncPeriodMs } : {}),
    });
  }

  async start(): Promise<void> { this.loop.start(); }
  setInitialized(): void { this.loop.setInitialized(); }
  requestSync(): void { this.loop.request(); }
  idle(): Promise<void> { return this.loop.idle(); }
  healthy(): boolean { return this.loop.last?.ok ?? true; }

  /** The proxy port of a service port (`servicePortKey`; its external socket with `external`), for tests. */
  proxyPort(key: string, external = false): number | undefined { return this.sockets.get(external ? `${key}${EXTERNAL_KEY_SUFFIX}` : key)?.socket.port; }

  stats(): { syncs: number; fullSyncs: number; failures: number; last?: UserspaceSyncResult; lastSuccessAt: number } {
    return { ...this.counts, ...(this.loop.last ? { last: this.loop.last } : {}), lastSuccessAt: this.lastSuccessAt };
  }

  /** Stops syncing and closes every proxy socket; the rules stay (as upstream leaves them on exit). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all([...this.sockets.values()].map((s) => s.socket.close()));
    this.sockets.clear();
  }

  private async periodicCheck(): Promise<void> {
    try {
      if (!(await this.ipt.chainExists('nat', KUBE_PORTALS_CONTAINER))) {
        this.o.log.info('userspace portal chain is gone: the tables were flushed; doing a full sync');
        this.needFullSync = true;
      }
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'cannot check the userspace portal chain');
    }
  }

  private async openSocket(key: string, svc: ServicePortInfo): Promise<ProxySocket | undefined> {
    const o = { service: key, lb: this.lb, log: this.o.log, ...(this.o.bindAddress ? { bindAddress: this.o.bindAddress } : {}),
      ...(this.o.udpIdleTimeoutMs !== undefined ? { udpIdleTimeoutMs: this.o.udpIdleTimeoutMs } : {}) };
    try {
      if (svc.protocol === 'TCP') return await openTCPProxySocket(o);
      if (svc.protocol === 'UDP') return await openUDPProxySocket(o);
      throw new Error(`protocol ${svc.protocol} is not supported by the userspace proxy`);
    } catch (err) {
      if (!this.failedToOpen.has(key)) {
        this.failedToOpen.add(key);
        this.o.log.error({ service: svc.nameString, protocol: svc.protocol, err: (err as Error).message }, 'cannot open the proxy socket of a service port; it gets no rules');
      }
      return undefined;
    }
  }

  /** One sync; never rejects. */
  async syncProxyRules(): Promise<UserspaceSyncResult> {
    const started = performance.now();
    const full = this.needFullSync;
    const changed = this.o.tracker.takeChanges();
    const snapshot = this.o.tracker.snapshot();
    const done = (ok: boolean, error?: string): UserspaceSyncResult => {
      const durationMs = performance.now() - started;
      const m = this.o.metrics;
      m.syncDuration.observe(durationMs / 1000);
      (full ? m.fullSyncDuration : m.partialSyncDuration).observe(durationMs / 1000);
      this.counts.syncs++;
      if (full) this.counts.fullSyncs++;
      if (ok) {
        m.lastSyncTimestamp.setToCurrentTime();
        this.lastSuccessAt = Date.now();
      } else {
        this.counts.failures++;
        m.restoreFailures.inc();
        this.needFullSync = true;
      }
      return { full, ok, durationMs, sockets: this.sockets.size, ...(error ? { error } : {}) };
    };
    const portals: Portal[] = [];
    const live = new Set<string>();
    /** The socket of `key` (opened now if new) with the load balancer fed `eps`; undefined when it cannot open. */
    const socketFor = async (key: string, svc: ServicePortInfo, eps: readonly EndpointInfo[]): Promise<ProxySocket | undefined> => {
      live.add(key);
      this.lb.update(key, eps.map((e) => e.endpoint), svc.sessionAffinity?.timeoutSeconds ?? 0);
      let open = this.sockets.get(key);
      if (!open) {
        const socket = await this.openSocket(key, svc);
        if (!socket) return undefined;
        this.failedToOpen.delete(key);
        open = { socket, svc };
        this.sockets.set(key, open);
        this.o.log.debug({ service: svc.nameString, protocol: svc.protocol, proxyPort: socket.port, key }, 'opened proxy socket');
      }
      open.svc = svc;
      return open.socket;
    };
    for (const svc of snapshot.servicePorts) {
      const key = servicePortKey(svc);
      const { clusterEndpoints, localEndpoints } = categorizeEndpoints(snapshot.endpoints.get(key) ?? [], svc);
      const socket = await socketFor(key, svc, svc.internalPolicyLocal ? localEndpoints : clusterEndpoints);
      if (!socket) continue;
      // externalTrafficPolicy Local: external destinations get a socket of their own over this node's endpoints.
      const external = svc.externalPolicyLocal && isExternallyAccessible(svc) ? await socketFor(`${key}${EXTERNAL_KEY_SUFFIX}`, svc, localEndpoints) : undefined;
      portals.push({
        svc, proxyPort: socket.port,
        ...(external ? { externalProxyPort: external.port, localEndpoints: localEndpoints.map((e) => e.endpoint) } : {}),
      });
    }
    try {
      if (full) await this.ensureHooks();
      await this.ipt.restore(renderUserspaceRules(portals, { hostIP: this.o.nodeIPs[0] ?? '', ...(this.o.bindAddress ? { bindAddress: this.o.bindAddress } : {}) }));
    } catch (err) {
      const e = err as Error;
      this.o.log.error({ err: e.message, full, retryInMs: this.loop.syncPeriodMs }, 'failed to sync userspace proxy rules; the previous rules stay; retrying with a full sync');
      return done(false, e.message);
    }
    for (const [key, s] of this.sockets) {
      if (live.has(key)) continue;
      this.sockets.delete(key);
      this.lb.delete(key);
      await s.socket.close();
    }
    this.needFullSync = false;
    const result = done(true);
    this.o.log.debug({ full, ms: Math.round(result.durationMs), sockets: this.sockets.size }, 'synced userspace proxy');
    await this.after(snapshot, full ? undefined : changed);
    return result;
  }

  private async ensureHooks(): Promise<void> {
    for (const j of USERSPACE_JUMPS) {
      await this.ipt.ensureChain(j.table, j.dst);
      const spec = [...j.args, '-j', j.dst];
      if (!j.append) {
        await this.ipt.ensureRulePrepended(j.table, j.src, spec);
        continue;
      }
      const bin = this.o.iptablesBinary ?? 'iptables';
      const check = await this.o.runner.run([bin, '-w', '5', '-t', j.table, '-C', j.src, ...spec]);
      if (check.code === 0) continue;
      const r = await this.o.runner.run([bin, '-w', '5', '-t', j.table, '-A', j.src, ...spec]);
      if (r.code !== 0) throw new Error(`iptables -t ${j.table} -A ${j.src} ${spec.join(' ')}: ${r.stderr.trim()}`);
    }
  }
}
