/**
 * The iptables-mode proxier (upstream's pkg/proxy/iptables/proxier.go):
 * a sync loop that renders the rules from the change tracker and applies
 * them with one iptables-restore.
 *
 * - No sync until setInitialized() (both informers synced); then one at once.
 * - Syncs are at least minSyncPeriodMs apart; changes arriving during a sync
 *   make one more. Every syncPeriodMs the canary chain is checked (gone: the
 *   tables were flushed, so a full sync) and a sync runs.
 * - MinimizeIPTablesRestore: a partial sync writes the per-service chains of
 *   changed services only. A full sync (start, after a failure, canary gone,
 *   more than fullSyncPeriodMs since the last) writes all of them and first
 *   ensures the hook jumps (iptables -C, then -I at position 1).
 * - Stale service chains found by iptables-save are flushed and deleted
 *   (at most once per syncPeriodMs in largeClusterMode, as upstream).
 * - A failed restore logs the error and the failing lines; the kernel keeps
 *   the previous rules (restore is atomic per table) and a full sync is
 *   retried after syncPeriodMs at the latest (sooner when a change comes).
 */
import type { Logger } from '../../api/log.js';
import type { ProxyChangeTracker, ProxySnapshot } from '../change-tracker.js';
import type { Runner } from '../exec.js';
import type { ServiceHealthServer } from '../healthcheck/service-health-server.js';
import type { ProxyMetrics } from '../metrics.js';
import { postSync } from '../post-sync.js';
import { ensureSysctl, getSysctl } from '../sysctl.js';
import { IPTables, IPTablesRestoreError, chainsInSave, type Table } from './iptables.js';
import {
  KUBE_EXTERNAL_SERVICES, KUBE_FIREWALL, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_PROXY_CANARY, KUBE_PROXY_FIREWALL, KUBE_SERVICES,
  renderIPTablesRules, type IPTablesRulesOptions,
} from './rules.js';

interface JumpChain { table: Table; dst: string; src: string; comment: string; extra: string[] }
const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];
/** The hook jumps, upstream's iptablesJumpChains + iptablesKubeletJumpChains (compat §1.1). */
export const JUMP_CHAINS: readonly JumpChain[] = [
  { table: 'filter', dst: KUBE_EXTERNAL_SERVICES, src: 'INPUT', comment: 'kubernetes externally-visible service portals', extra: NEW },
  { table: 'filter', dst: KUBE_EXTERNAL_SERVICES, src: 'FORWARD', comment: 'kubernetes externally-visible service portals', extra: NEW },
  { table: 'filter', dst: KUBE_NODEPORTS, src: 'INPUT', comment: 'kubernetes health check service ports', extra: [] },
  { table: 'filter', dst: KUBE_SERVICES, src: 'FORWARD', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: KUBE_SERVICES, src: 'OUTPUT', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: KUBE_FORWARD, src: 'FORWARD', comment: 'kubernetes forwarding rules', extra: [] },
  { table: 'filter', dst: KUBE_PROXY_FIREWALL, src: 'INPUT', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'filter', dst: KUBE_PROXY_FIREWALL, src: 'OUTPUT', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'filter', dst: KUBE_PROXY_FIREWALL, src: 'FORWARD', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'nat', dst: KUBE_SERVICES, src: 'OUTPUT', comment: 'kubernetes service portals', extra: [] },
  { table: 'nat', dst: KUBE_SERVICES, src: 'PREROUTING', comment: 'kubernetes service portals', extra: [] },
  { table: 'nat', dst: KUBE_POSTROUTING, src: 'POSTROUTING', comment: 'kubernetes postrouting rules', extra: [] },
  { table: 'filter', dst: KUBE_FIREWALL, src: 'INPUT', comment: '', extra: [] },
  { table: 'filter', dst: KUBE_FIREWALL, src: 'OUTPUT', comment: '', extra: [] },
];

export interface IPTablesProxierOptions extends Omit<IPTablesRulesOptions, 'conntrackTcpBeLiberal'> {
  tracker: ProxyChangeTracker;
  runner: Runner;
  log: Logger;
  metrics: ProxyMetrics;
  /** @default 'iptables' */
  iptablesBinary?: string;
  /** @default 1000 */
  minSyncPeriodMs?: number;
  /** @default 30000 */
  syncPeriodMs?: number;
  /** @default 3600000 (kubernetes/kubernetes PR #129329) */
  fullSyncPeriodMs?: number;
  healthServer?: ServiceHealthServer;
  /** Clean stale UDP conntrack entries with the conntrack binary. @default true */
  conntrackCleanup?: boolean;
}

/** What a sync did, for metrics and tests. */
export interface SyncResult { full: boolean; ok: boolean; durationMs: number; deletedChains: number; error?: string }

export class IPTablesProxier {
  private readonly ipt: IPTables;
  private initialized = false;
  private stopped = false;
  private needFullSync = true;
  private lastFullSync = 0;
  private lastCleanup = 0;
  private largeClusterMode = false;
  private tcpBeLiberal = false;
  private running: Promise<void> | undefined;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  /** After a failure: the next sync at the latest (a change may bring it sooner, as upstream's RetryAfter). */
  private retryTimer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private lastStart = 0;
  private syncs = 0;
  private fullSyncs = 0;
  private failures = 0;
  private last: SyncResult | undefined;
  private lastSuccessAt = 0;
  private readonly syncPeriodMs: number;
  private readonly minSyncPeriodMs: number;

  /** Health-check servers and UDP conntrack cleanup, after each successful sync. */
  private readonly afterSync: ReturnType<typeof postSync>;

  constructor(private readonly o: IPTablesProxierOptions) {
    this.ipt = new IPTables(o.runner, { binary: o.iptablesBinary });
    this.afterSync = postSync({
      runner: o.runner, log: o.log, nodeIPs: o.nodeIPs ?? [],
      ...(o.healthServer ? { healthServer: o.healthServer } : {}), ...(o.conntrackCleanup !== undefined ? { conntrackCleanup: o.conntrackCleanup } : {}),
    });
    this.syncPeriodMs = o.syncPeriodMs ?? 30_000;
    this.minSyncPeriodMs = o.minSyncPeriodMs ?? 1000;
  }

  /** Sets sysctls as upstream's NewProxier does (failures are logged, not fatal) and starts the periodic timer. */
  async start(): Promise<void> {
    if (this.o.localhostNodePorts ?? true) {
      try {
        await ensureSysctl(this.o.runner, 'net/ipv4/conf/all/route_localnet', '1');
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message }, 'cannot set route_localnet=1; NodePorts on 127.0.0.1 will not answer');
      }
    }
    // The INVALID-drop rule is left out when conntrack is liberal (kubernetes/kubernetes#117924).
    this.tcpBeLiberal = ((await getSysctl(this.o.runner, 'net/netfilter/nf_conntrack_tcp_be_liberal')) ?? '0') !== '0';
    this.periodic = setInterval(() => { void this.periodicCheck(); }, this.syncPeriodMs);
    this.periodic.unref();
  }

  /** Both informers have synced: syncs may start (one starts now). */
  setInitialized(): void {
    this.initialized = true;
    this.requestSync();
  }

  /** Asks for a sync as soon as minSyncPeriodMs allows; coalesces with one pending. */
  requestSync(): void {
    if (!this.initialized || this.stopped) return;
    if (this.running) { this.pending = true; return; }
    if (this.timer) return;
    const wait = Math.max(0, this.lastStart + this.minSyncPeriodMs - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; void this.runSync(); }, wait);
  }

  /** Forces the next sync to be full (e.g. node labels changed). */
  forceFullSync(): void {
    this.needFullSync = true;
    this.requestSync();
  }

  /** Resolves when no sync runs or is scheduled, a retry after a failure aside (for tests and benches). */
  async idle(): Promise<void> {
    while (this.running || this.timer || this.pending) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The last sync succeeded (upstream's serviceProxyHealthy, simplified). */
  healthy(): boolean { return this.last?.ok ?? true; }

  stats(): { syncs: number; fullSyncs: number; failures: number; last?: SyncResult; lastSuccessAt: number } {
    return { syncs: this.syncs, fullSyncs: this.fullSyncs, failures: this.failures, ...(this.last ? { last: this.last } : {}), lastSuccessAt: this.lastSuccessAt };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.periodic) clearInterval(this.periodic);
    this.timer = undefined;
    this.pending = false;
    await this.running;
  }

  private async periodicCheck(): Promise<void> {
    if (!this.initialized || this.stopped || this.running) return;
    try {
      if (!(await this.ipt.chainExists('mangle', KUBE_PROXY_CANARY))) {
        this.o.log.info('iptables canary chain is gone: the tables were flushed; doing a full sync');
        this.needFullSync = true;
      }
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'cannot check the iptables canary chain');
    }
    this.requestSync();
  }

  private async runSync(): Promise<void> {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.lastStart = Date.now();
    this.running = this.syncProxyRules().then((r) => {
      this.last = r;
      this.syncs++;
      if (r.full) this.fullSyncs++;
      if (!r.ok) this.failures++;
    });
    try { await this.running; } finally { this.running = undefined; }
    if (this.stopped) return;
    if (this.last && !this.last.ok) {
      this.retryTimer = setTimeout(() => { this.retryTimer = undefined; if (!this.running && !this.timer) void this.runSync(); }, this.syncPeriodMs);
    }
    if (this.pending) {
      this.pending = false;
      this.requestSync();
    }
  }

  /** One sync; never rejects. */
  async syncProxyRules(): Promise<SyncResult> {
    const started = performance.now();
    const full = this.needFullSync || Date.now() - this.lastFullSync > (this.o.fullSyncPeriodMs ?? 3_600_000);
    const changed = this.o.tracker.takeChanges();
    const snapshot = this.o.tracker.snapshot();
    const done = (ok: boolean, deletedChains: number, error?: string): SyncResult => {
      const durationMs = performance.now() - started;
      const m = this.o.metrics;
      m.syncDuration.observe(durationMs / 1000);
      (full ? m.fullSyncDuration : m.partialSyncDuration).observe(durationMs / 1000);
      if (ok) {
        m.lastSyncTimestamp.setToCurrentTime();
        this.lastSuccessAt = Date.now();
      } else {
        m.restoreFailures.inc();
        if (!full) m.partialRestoreFailures.inc();
        // The changes were taken: only a full sync can catch up.
        this.needFullSync = true;
      }
      return { full, ok, durationMs, deletedChains, ...(error ? { error } : {}) };
    };
    try {
      if (full) await this.ensureHooks();
      let existingNatChains: string[] | undefined;
      if (!this.largeClusterMode || Date.now() - this.lastCleanup > this.syncPeriodMs) {
        try {
          existingNatChains = chainsInSave(await this.ipt.save('nat'));
          this.lastCleanup = Date.now();
        } catch (err) {
          this.o.log.error({ err: (err as Error).message }, 'failed to execute iptables-save: stale chains will not be deleted');
        }
      }
      const rendered = renderIPTablesRules({ snapshot, ...(full ? {} : { changedServices: changed }), ...(existingNatChains ? { existingNatChains } : {}) },
        { ...this.o, conntrackTcpBeLiberal: this.tcpBeLiberal });
      this.largeClusterMode = rendered.largeClusterMode;
      await this.ipt.restore(rendered.text);
      this.needFullSync = false;
      if (full) this.lastFullSync = Date.now();
      const result = done(true, rendered.deletedChains.length);
      this.o.log.debug({ full, ms: Math.round(result.durationMs), services: snapshot.servicePorts.length, changed: changed.size }, 'synced iptables rules');
      await this.afterSync(snapshot, full ? undefined : changed);
      return result;
    } catch (err) {
      const e = err as Error;
      const fields = e instanceof IPTablesRestoreError ? { err: e.message, line: e.line, rules: e.context } : { err: e.message };
      this.o.log.error({ ...fields, full, retryInMs: this.syncPeriodMs }, 'failed to sync iptables rules; the previous rules stay; retrying with a full sync');
      return done(false, 0, e.message);
    }
  }

  private async ensureHooks(): Promise<void> {
    for (const table of ['mangle', 'nat', 'filter'] as const) await this.ipt.ensureChain(table, KUBE_PROXY_CANARY);
    for (const j of JUMP_CHAINS) {
      await this.ipt.ensureChain(j.table, j.dst);
      await this.ipt.ensureRulePrepended(j.table, j.src, [...j.extra, ...(j.comment ? ['-m', 'comment', '--comment', j.comment] : []), '-j', j.dst]);
    }
  }
}
