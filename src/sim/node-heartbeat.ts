/**
 * Heartbeats of many simulated nodes, as a kubelet's node lease controller
 * and node status reporter do for one: renew the node's Lease every
 * interval (a PUT of the last Lease written, with its resourceVersion), and
 * report node status when it changed or every report interval (kubelet's
 * nodeStatusReportFrequency). Every write goes through one shared Limiter.
 * A paused node writes nothing until resumed.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { RESOURCES, microTime, type RestClient } from '../client/index.js';
import type { Limiter } from './limiter.js';
import { nodeLease } from './node-lease.js';
import { nodeStatus, type NodeTemplate } from './node-object.js';
import { NODE_LEASE_NAMESPACE } from './well-known.js';
import { rfc3339Seconds } from '../api/time.js';

export interface NodeHeartbeatOptions {
  client: RestClient;
  limiter: Limiter;
  logger: Logger;
  /** Lease renewal period. @default 10000 */
  intervalMs?: number;
  /** Each renewal waits intervalMs × (1 ± jitter). @default 0.1 */
  jitter?: number;
  /** Status is reported at least this often. @default 300000 */
  statusReportIntervalMs?: number;
  /** The cached node (for lastTransitionTime), if any. */
  cachedNode(name: string): Node | undefined;
}

interface Beat {
  template: NodeTemplate;
  uid?: string;
  lease?: Lease;
  timer?: NodeJS.Timeout;
  paused: boolean;
  busy: boolean;
  lastReportMs: number;
  reportWanted: boolean;
  renewals: number;
  failures: number;
}

export class NodeHeartbeats {
  private readonly beats = new Map<string, Beat>();
  private readonly intervalMs: number;
  private readonly jitter: number;
  private readonly reportMs: number;
  private stopped = false;

  constructor(private readonly o: NodeHeartbeatOptions) {
    this.intervalMs = o.intervalMs ?? 10_000;
    this.jitter = o.jitter ?? 0.1;
    this.reportMs = o.statusReportIntervalMs ?? 300_000;
  }

  /**
   * Starts heartbeats of a registered node: its Lease is created (or
   * taken over) at once, then renewed every interval. `lastReportMs` is when
   * its status was last written.
   */
  add(template: NodeTemplate, opts: { uid?: string; paused?: boolean; lastReportMs?: number } = {}): void {
    const b: Beat = {
      template, uid: opts.uid, paused: opts.paused ?? false, busy: false,
      lastReportMs: opts.lastReportMs ?? Date.now(), reportWanted: false, renewals: 0, failures: 0,
    };
    this.beats.set(template.name, b);
    if (!b.paused) this.schedule(b, 0);
  }

  /** Stops writing for `name` until resume(). */
  pause(name: string): void {
    const b = this.beats.get(name);
    if (!b || b.paused) return;
    b.paused = true;
    if (b.timer) clearTimeout(b.timer);
    b.timer = undefined;
  }

  /** Resumes heartbeats at once, with a status report (as a restarted kubelet does). */
  resume(name: string): void {
    const b = this.beats.get(name);
    if (!b || !b.paused) return;
    b.paused = false;
    b.reportWanted = true;
    this.schedule(b, 0);
  }

  /** Reports `name`'s status on its next beat, which comes now. */
  reportSoon(name: string): void {
    const b = this.beats.get(name);
    if (!b || b.paused || b.reportWanted) return;
    b.reportWanted = true;
    if (!b.busy) this.schedule(b, 0);
  }

  isPaused(name: string): boolean { return this.beats.get(name)?.paused ?? true; }

  /** Lease renewals of `name` since add() (the first write, creating or taking the Lease, counts). */
  renewals(name: string): number { return this.beats.get(name)?.renewals ?? 0; }

  stop(): void {
    this.stopped = true;
    for (const b of this.beats.values()) if (b.timer) clearTimeout(b.timer);
  }

  private schedule(b: Beat, delayMs: number): void {
    if (this.stopped || b.paused) return;
    if (b.timer) clearTimeout(b.timer);
    b.timer = setTimeout(() => { b.timer = undefined; void this.beat(b); }, delayMs);
  }

  private nextDelay(): number {
    return Math.round(this.intervalMs * (1 - this.jitter + 2 * this.jitter * Math.random()));
  }

  private async beat(b: Beat): Promise<void> {
    if (this.stopped || b.paused || b.busy) return;
    b.busy = true;
    const name = b.template.name;
    try {
      await this.o.limiter.run(async () => {
        if (this.stopped || b.paused) return;
        await this.renewLease(b);
        const now = Date.now();
        if (b.reportWanted || now - b.lastReportMs >= this.reportMs) {
          b.reportWanted = false;
          await this.reportStatus(b, now);
        }
      });
      b.failures = 0;
    } catch (e) {
      b.failures++;
      this.o.logger.warn({ node: name, failures: b.failures, err: e instanceof Error ? e.message : String(e) }, 'node heartbeat failed; retrying');
    } finally {
      b.busy = false;
      // A failed beat is retried soon (1 s, doubling up to the interval), as kubelet's lease controller backs off.
      const retry = b.failures > 0 ? Math.min(this.intervalMs, 1000 * 2 ** (b.failures - 1)) : undefined;
      this.schedule(b, b.reportWanted ? 0 : retry ?? this.nextDelay());
    }
  }

  private async renewLease(b: Beat): Promise<void> {
    const leases = RESOURCES.leases;
    const name = b.template.name;
    const now = Date.now();
    if (!b.lease) {
      try {
        b.lease = await this.o.client.create(leases, nodeLease({ name, uid: b.uid }, now));
        b.renewals++;
        return;
      } catch (e) {
        if ((e as { code?: unknown }).code !== 409) throw e;
        b.lease = await this.o.client.get<Lease>(leases, name, { namespace: NODE_LEASE_NAMESPACE });
      }
    }
    // Without managedFields the server keeps the Lease's own; the body stays small.
    const { managedFields: _omit, ...metadata } = b.lease.metadata ?? {};
    const next: Lease = { ...b.lease, metadata, spec: { ...b.lease.spec, holderIdentity: name, renewTime: microTime(now) } };
    try {
      b.lease = await this.o.client.update(leases, next);
      b.renewals++;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // Someone else wrote it (409) or deleted it (404): start over next beat.
      if (code === 409 || code === 404) b.lease = undefined;
      throw e;
    }
  }

  private async reportStatus(b: Beat, nowMs: number): Promise<void> {
    const status = nodeStatus(b.template, rfc3339Seconds(nowMs), this.o.cachedNode(b.template.name)?.status);
    await this.o.client.patch(RESOURCES.nodes, b.template.name, { status }, { subresource: 'status' });
    b.lastReportMs = nowMs;
  }
}
