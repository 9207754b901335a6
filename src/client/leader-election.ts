/**
 * Leader election on a coordination.k8s.io/v1 Lease (client-go's
 * tools/leaderelection with the LeaseLock).
 *
 * A candidate acquires the Lease when it is absent, released (empty holder),
 * or not renewed for leaseDuration as observed on the candidate's own clock
 * (never by comparing clocks across machines). The leader renews every
 * retryPeriod; if no renewal succeeds within renewDeadline it stops leading.
 * Every write is an update with the read resourceVersion, so of two
 * candidates racing only one wins; 409 means someone else did.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { StatusError } from '../api/errors.js';
import type { Logger } from '../api/log.js';
import { realClock, sleep, type Clock } from './clock.js';
import { RESOURCES } from './resource.js';
import type { RestClient } from './rest-client.js';

export interface LeaderElectionOptions {
  client: RestClient;
  /** The Lease's namespace and name. */
  namespace: string;
  name: string;
  /** This candidate's unique identity (e.g. hostname + random suffix). */
  identity: string;
  /** @default 15000 */
  leaseDurationMs?: number;
  /** Must be below leaseDurationMs. @default 10000 */
  renewDeadlineMs?: number;
  /** @default 2000 */
  retryPeriodMs?: number;
  /** On stop(), give up the Lease at once so another candidate need not wait for it to expire. @default true */
  releaseOnCancel?: boolean;
  /** Called (not awaited) when this candidate becomes leader; `signal` aborts when it stops leading. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once each time leadership ends (lost, or stop()). */
  onStoppedLeading: () => void;
  /** Called when the observed holder changes (including to this identity). */
  onNewLeader?: (identity: string) => void;
  clock?: Clock;
  logger?: Logger;
}

/** A MicroTime as the API writes it: `2024-01-02T03:04:05.000000Z`. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly o: Required<Omit<LeaderElectionOptions, 'onNewLeader' | 'logger'>> & Pick<LeaderElectionOptions, 'onNewLeader' | 'logger'>;
  private readonly stopping = new AbortController();
  private observedSpec = '';
  private observedTime = 0;
  private observedHolder = '';
  private leading: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(opts: LeaderElectionOptions) {
    this.o = {
      leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, releaseOnCancel: true,
      clock: realClock, ...opts,
    };
    if (this.o.renewDeadlineMs >= this.o.leaseDurationMs) throw new Error('leaseDurationMs must be greater than renewDeadlineMs');
    if (this.o.retryPeriodMs >= this.o.renewDeadlineMs) throw new Error('renewDeadlineMs must be greater than retryPeriodMs');
  }

  /** Whether this candidate currently leads. */
  isLeader(): boolean { return this.leading !== undefined; }

  /** The holder last observed on the Lease ("" when none). */
  get leader(): string { return this.observedHolder; }

  /**
   * Campaigns until stop(): acquire, lead while renewals succeed, and after a
   * loss campaign again. Idempotent; resolves when stopped.
   */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Stops campaigning; a leader releases the Lease (unless releaseOnCancel is false) and stops leading. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private get signal(): AbortSignal { return this.stopping.signal; }

  private async loop(): Promise<void> {
    while (!this.signal.aborted) {
      // Acquire: try every retryPeriod (with jitter) until it works.
      while (!this.signal.aborted && !(await this.tryAcquireOrRenew())) {
        await sleep(this.o.retryPeriodMs * (1 + 0.2 * Math.random()), { clock: this.o.clock, signal: this.signal });
      }
      if (this.signal.aborted) break;
      this.leading = new AbortController();
      this.o.logger?.info({ lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity }, 'successfully acquired lease');
      const leadSignal = this.leading.signal;
      void Promise.resolve().then(() => this.o.onStartedLeading(leadSignal)).catch((e: unknown) =>
        this.o.logger?.error({ err: e instanceof Error ? e.message : String(e) }, 'onStartedLeading failed'));
      await this.renewLoop();
      if (!this.signal.aborted) this.o.logger?.warn({ lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity }, 'leader election lost');
      else if (this.o.releaseOnCancel) await this.release();
      this.leading.abort();
      this.leading = undefined;
      try { this.o.onStoppedLeading(); } catch (e) {
        this.o.logger?.error({ err: e instanceof Error ? e.message : String(e) }, 'onStoppedLeading failed');
      }
    }
  }

  /** Renews every retryPeriod; returns when a renewal did not succeed within renewDeadline, or on stop. */
  private async renewLoop(): Promise<void> {
    const clock = this.o.clock;
    while (!this.signal.aborted) {
      await sleep(this.o.retryPeriodMs, { clock, signal: this.signal });
      if (this.signal.aborted) return;
      const deadline = clock.now() + this.o.renewDeadlineMs;
      let renewed = false;
      while (!this.signal.aborted && clock.now() < deadline) {
        if (await this.tryAcquireOrRenew(deadline - clock.now())) { renewed = true; break; }
        await sleep(Math.min(this.o.retryPeriodMs, Math.max(0, deadline - clock.now())), { clock, signal: this.signal });
      }
      if (!renewed) return;
    }
  }

  /** One attempt to take or keep the Lease. True when this candidate holds it afterwards. */
  private async tryAcquireOrRenew(timeoutMs?: number): Promise<boolean> {
    const { client, namespace, name, identity } = this.o;
    const now = this.o.clock.now();
    const durationSeconds = Math.max(1, Math.round(this.o.leaseDurationMs / 1000));
    const timeout = timeoutMs !== undefined ? { timeoutMs: Math.max(1, timeoutMs) } : {};
    let lease: Lease;
    try {
      lease = await client.request<Lease>('GET', `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases/${encodeURIComponent(name)}`, timeout);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) return this.failed('get', e);
      const spec = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        await client.create(RESOURCES.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec });
      } catch (e2) {
        return this.failed('create', e2);
      }
      this.observe(JSON.stringify(spec), identity, now);
      return true;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const raw = JSON.stringify([holder, spec.renewTime, spec.acquireTime, spec.leaseTransitions, spec.leaseDurationSeconds]);
    if (raw !== this.observedSpec) this.observe(raw, holder, now);
    const observedDurationMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== '' && holder !== identity && this.observedTime + observedDurationMs > now) return false;

    const iHold = holder === identity;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: microTime(now),
        acquireTime: iHold && spec.acquireTime ? spec.acquireTime : microTime(now),
        leaseTransitions: iHold ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      const updated = await client.request<Lease>('PUT', `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases/${encodeURIComponent(name)}`, { body: next, ...timeout });
      const s = updated.spec ?? {};
      this.observe(JSON.stringify([s.holderIdentity ?? '', s.renewTime, s.acquireTime, s.leaseTransitions, s.leaseDurationSeconds]), identity, now);
      return true;
    } catch (e) {
      return this.failed('update', e);
    }
  }

  /** Gives the Lease up: empty holder, 1 s duration (client-go's release). */
  private async release(): Promise<void> {
    const { client, namespace, name, identity } = this.o;
    try {
      const lease = await client.get<Lease>(RESOURCES.leases, name, { namespace });
      if ((lease.spec?.holderIdentity ?? '') !== identity) return;
      const now = microTime(this.o.clock.now());
      await client.update(RESOURCES.leases, {
        ...lease,
        spec: { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: lease.spec?.leaseTransitions ?? 0 },
      });
      this.o.logger?.info({ lease: `${namespace}/${name}`, identity }, 'released lease');
    } catch (e) {
      this.o.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'failed to release lease');
    }
  }

  private observe(raw: string, holder: string, now: number): void {
    this.observedSpec = raw;
    this.observedTime = now;
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder) {
        try { this.o.onNewLeader?.(holder); } catch { /* a callback's failure is its own */ }
      }
    }
  }

  private failed(op: string, e: unknown): false {
    // 409: another candidate wrote first; anything else: try again next period.
    if (!(e instanceof StatusError && e.code === 409)) {
      this.o.logger?.warn({ op, lease: `${this.o.namespace}/${this.o.name}`, err: e instanceof Error ? e.message : String(e) }, 'error retrieving or updating lease');
    }
    return false;
  }
}

/** Creates a LeaderElector and starts campaigning. */
export function startLeaderElection(opts: LeaderElectionOptions): LeaderElector {
  const le = new LeaderElector(opts);
  void le.run();
  return le;
}
