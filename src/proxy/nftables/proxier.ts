/**
 * The nftables-mode proxier (upstream's pkg/proxy/nftables/proxier.go): a
 * sync loop (SyncRunner: minSyncPeriod, syncPeriod, retry after failure)
 * that renders one transaction from the change tracker and applies it with
 * `nft -f -`. A transaction is atomic: when it fails the kernel keeps the
 * previous rules whole, the failure is logged with the failing lines, and
 * a full sync is retried after syncPeriodMs.
 *
 * - The first sync deletes and recreates the table in its transaction, so
 *   nothing of an earlier run (or an older layout) survives; later full
 *   syncs (after a failure, every fullSyncPeriodMs, or when the periodic
 *   check finds the table gone) re-declare and flush, as upstream.
 * - Partial syncs rewrite only changed services' chains and apply map and
 *   set element differences.
 * - Stale service chains are flushed in the sync that stops using them and
 *   deleted by a later sync at least 1 s afterwards.
 */
import type { Logger } from '../../api/log.js';
import type { ProxyChangeTracker } from '../change-tracker.js';
import type { Runner } from '../exec.js';
import type { ServiceHealthServer } from '../healthcheck/service-health-server.js';
import type { ProxyMetrics } from '../metrics.js';
import { postSync } from '../post-sync.js';
import { SyncRunner } from '../sync-runner.js';
import { nftablesMetrics, type NFTablesMetrics } from './metrics.js';
import { NFT, NFTError } from './nft.js';
import { KUBE_PROXY_TABLE, renderNFTablesTransaction, type ElementState, type NFTablesRulesOptions } from './rules.js';

export interface NFTablesProxierOptions extends NFTablesRulesOptions {
  tracker: ProxyChangeTracker;
  runner: Runner;
  log: Logger;
  metrics: ProxyMetrics;
  /** @default 'nft' */
  nftBinary?: string;
  /** @default 1000 */
  minSyncPeriodMs?: number;
  /** @default 30000 */
  syncPeriodMs?: number;
  /** @default 3600000 */
  fullSyncPeriodMs?: number;
  healthServer?: ServiceHealthServer;
  /** @default true */
  conntrackCleanup?: boolean;
  /** Make no table until the tracker has a service port (the ip6 family of a cluster that may have no IPv6 service). @default false */
  skipWhenEmpty?: boolean;
}

/** What a sync did, for metrics and tests. */
export interface NFTSyncResult { full: boolean; ok: boolean; durationMs: number; staleChains: number; deletedChains: number; error?: string }

const STALE_CHAIN_GRACE_MS = 1000;

export class NFTablesProxier {
  private readonly nft: NFT;
  private readonly loop: SyncRunner<NFTSyncResult>;
  private readonly nftMetrics: NFTablesMetrics;
  private readonly after: ReturnType<typeof postSync>;
  private needFullSync = true;
  private recreated = false;
  private lastFullSync = 0;
  private elements: ElementState = new Map();
  private readonly staleChains = new Map<string, number>();
  private counts = { syncs: 0, fullSyncs: 0, failures: 0 };
  private lastSuccessAt = 0;
  private applied = false;

  constructor(private readonly o: NFTablesProxierOptions) {
    this.nft = new NFT(o.runner, o.family ?? 'ip', o.nftBinary);
    this.nftMetrics = nftablesMetrics(o.metrics.registry);
    this.after = postSync({ runner: o.runner, log: o.log, nodeIPs: o.nodeIPs ?? [], ...(o.healthServer ? { healthServer: o.healthServer } : {}), ...(o.conntrackCleanup !== undefined ? { conntrackCleanup: o.conntrackCleanup } : {}) });
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
  forceFullSync(): void { this.needFullSync = true; this.loop.request(); }
  idle(): Promise<void> { return this.loop.idle(); }
  stop(): Promise<void> { return this.loop.stop(); }
  healthy(): boolean { return this.loop.last?.ok ?? true; }

  stats(): { syncs: number; fullSyncs: number; failures: number; last?: NFTSyncResult; lastSuccessAt: number } {
    return { ...this.counts, ...(this.loop.last ? { last: this.loop.last } : {}), lastSuccessAt: this.lastSuccessAt };
  }

  private async periodicCheck(): Promise<void> {
    if (this.o.skipWhenEmpty && !this.applied) return;
    try {
      if (!(await this.nft.tableExists())) {
        this.o.log.info(`nftables table ${this.nft.family} ${KUBE_PROXY_TABLE} is gone; doing a full sync`);
        this.needFullSync = true;
      }
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'cannot check the nftables table');
    }
  }

  /** One sync; never rejects. */
  async syncProxyRules(): Promise<NFTSyncResult> {
    const started = performance.now();
    const full = this.needFullSync || Date.now() - this.lastFullSync > (this.o.fullSyncPeriodMs ?? 3_600_000);
    const recreateTable = full && !this.recreated;
    if (this.o.skipWhenEmpty && !this.applied && this.o.tracker.snapshot().servicePorts.length === 0) {
      this.o.tracker.takeChanges();
      return { full, ok: true, durationMs: performance.now() - started, staleChains: 0, deletedChains: 0 };
    }
    const changed = this.o.tracker.takeChanges();
    const snapshot = this.o.tracker.snapshot();
    let deletedChains = 0;
    const done = (ok: boolean, staleChains: number, error?: string): NFTSyncResult => {
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
        this.nftMetrics.syncFailures.inc();
        // The changes were taken: only a full sync can catch up.
        this.needFullSync = true;
      }
      return { full, ok, durationMs, staleChains, deletedChains, ...(error ? { error } : {}) };
    };
    try {
      if (!recreateTable) deletedChains = await this.deleteStaleChains();
      let existing: { chains: string[]; sets: string[] } = { chains: [], sets: [] };
      if (!recreateTable) {
        try {
          existing = await this.nft.listTable();
        } catch (err) {
          this.o.log.error({ err: (err as Error).message }, 'failed to list nftables chains: stale chains will not be deleted');
        }
      }
      const rendered = renderNFTablesTransaction({
        snapshot, recreateTable, existingChains: existing.chains, existingSets: existing.sets,
        ...(full ? {} : { changedServices: changed, previousElements: this.elements }),
      }, this.o);
      // Nothing to change (a periodic sync with no news): no nft process.
      if (rendered.text.trim()) await this.nft.run(rendered.text);
      this.elements = rendered.elements;
      this.applied = true;
      const now = Date.now();
      for (const c of rendered.staleChains) if (!this.staleChains.has(c)) this.staleChains.set(c, now);
      for (const c of rendered.activeChains) this.staleChains.delete(c);
      if (recreateTable) this.recreated = true;
      this.needFullSync = false;
      if (full) this.lastFullSync = now;
      const result = done(true, rendered.staleChains.length);
      this.o.log.debug({ full, ms: Math.round(result.durationMs), services: snapshot.servicePorts.length, changed: changed.size }, 'synced nftables rules');
      await this.after(snapshot, full ? undefined : changed);
      return result;
    } catch (err) {
      const e = err as Error;
      // The stale-chain bookkeeping may be wrong now; the next (full) sync recomputes it.
      this.staleChains.clear();
      const fields = e instanceof NFTError ? { err: e.message, line: e.line, rules: e.context } : { err: e.message };
      this.o.log.error({ ...fields, full, retryInMs: this.loop.syncPeriodMs }, 'failed to sync nftables rules; the previous rules stay; retrying with a full sync');
      return done(false, 0, e.message);
    }
  }

  /** Deletes chains flushed as stale at least 1 s ago, in a transaction of their own; failures are logged, not fatal. */
  private async deleteStaleChains(): Promise<number> {
    const cutoff = Date.now() - STALE_CHAIN_GRACE_MS;
    const due = [...this.staleChains].filter(([, t]) => t <= cutoff).map(([c]) => c);
    if (due.length === 0) return 0;
    for (const c of due) this.staleChains.delete(c);
    try {
      await this.nft.run(due.map((c) => `delete chain ${this.nft.family} ${KUBE_PROXY_TABLE} ${c}`).join('\n') + '\n');
      this.o.log.debug({ chains: due.length }, 'deleted stale nftables chains');
      return due.length;
    } catch (err) {
      // Chains that still exist are found stale again (with a later time) by the sync.
      this.nftMetrics.cleanupFailures.inc();
      this.o.log.error({ err: (err as Error).message }, 'unable to delete stale nftables chains; will retry later');
      return 0;
    }
  }
}
