/**
 * The kubelet's node status manager: registers the Node, then keeps its
 * status and its Lease current, as upstream's kubelet does
 * (kubelet_node_status.go registerWithAPIServer / syncNodeStatus and
 * pkg/kubelet/nodelease):
 * - registration creates the Node with its initial status; when it exists
 *   already, the kubelet adopts it, reconciling the default labels and the
 *   attach-detach annotation; failures retry with back-off (100 ms
 *   doubling to 7 s) until stop();
 * - every nodeStatusUpdateFrequency (10 s) the status is computed from the
 *   host and the runtime and PATCHed (strategic merge, nodes/<name>/status)
 *   only when it changed other than in heartbeat times, or when
 *   nodeStatusReportFrequency (5 min) passed since the last write;
 * - every lease renew interval (10 s, plus up to 4% jitter) the Lease's
 *   renewTime is written; a failure is retried from 200 ms, doubling.
 * It talks to the API server only through the RestClient.
 */
import type { Node, NodeStatus } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { NODE_LEASE_DURATION_SECONDS, NODE_LEASE_RENEW_INTERVAL_FRACTION } from '../../api/nodes/lease.js';
import { rfc3339Seconds } from '../../api/time.js';
import { RESOURCES, realClock, type Clock, type EventRecorder, type RestClient, type TimerHandle } from '../../client/index.js';
import { conditionEvents } from './conditions.js';
import { initialNode, reconcileExistingNode, type NodeRegistration } from './node-object.js';
import { NodeLeaseRenewer } from './node-lease.js';
import { computeNodeStatus, nodeStatusChanged, type NodeStatusConfig } from './setters.js';
import { RuntimeHealth } from './runtime-health.js';
import { gatherStatusInputs, type StatusSources } from './status-inputs.js';

export interface NodeStatusManagerOptions extends StatusSources {
  client: RestClient;
  logger: Logger;
  /** Who the node is; hostname, os and arch come from readHost(). */
  registration: Omit<NodeRegistration, 'hostname' | 'operatingSystem' | 'architecture' | 'nodeName'> & { nodeName?: string };
  status: NodeStatusConfig;
  /** @default realClock */
  clock?: Clock;
  /** nodeStatusUpdateFrequency. @default 10000 */
  statusUpdateFrequencyMs?: number;
  /** nodeStatusReportFrequency. @default 300000 */
  statusReportFrequencyMs?: number;
  /** @default NODE_LEASE_DURATION_SECONDS */
  leaseDurationSeconds?: number;
  /** @default a quarter of the lease duration (10 s) */
  leaseRenewIntervalMs?: number;
  /** Each renewal waits the interval × (1 + up to this), measured from the end of the last (upstream's JitterUntil, 0.04). @default 0.04 */
  leaseRenewJitter?: number;
  /** Records the node's condition Events (NodeReady, NodeHasSufficientMemory, ...) when given. */
  events?: EventRecorder;
  /** How long a runtime that stops answering keeps the node Ready. @default 30000 */
  maxWaitForContainerRuntimeMs?: number;
}

/** Upstream's nodeStatusUpdateRetry: tries per status sync. */
const STATUS_UPDATE_RETRY = 5;

function codeOf(e: unknown): unknown {
  return (e as { code?: unknown } | null)?.code;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class NodeStatusManager {
  private readonly clock: Clock;
  private readonly updateMs: number;
  private readonly reportMs: number;
  private readonly leaseSeconds: number;
  private readonly leaseMs: number;
  private readonly timers = new Set<TimerHandle>();
  private readonly health: RuntimeHealth;
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;
  private started = false;
  private node: Node | undefined;
  private lease: NodeLeaseRenewer | undefined;
  private lastReportMs = Number.NEGATIVE_INFINITY;
  private statusWrites = 0;
  private leaseFailures = 0;
  private registeredResolve!: (n: Node) => void;
  private registeredReject!: (e: Error) => void;
  /** Resolves with the Node once registered; rejects if stopped first. */
  readonly registered: Promise<Node>;

  constructor(private readonly o: NodeStatusManagerOptions) {
    this.clock = o.clock ?? realClock;
    this.updateMs = o.statusUpdateFrequencyMs ?? 10_000;
    this.reportMs = o.statusReportFrequencyMs ?? 300_000;
    this.leaseSeconds = o.leaseDurationSeconds ?? NODE_LEASE_DURATION_SECONDS;
    this.leaseMs = o.leaseRenewIntervalMs ?? this.leaseSeconds * 1000 * NODE_LEASE_RENEW_INTERVAL_FRACTION;
    this.health = new RuntimeHealth(o.maxWaitForContainerRuntimeMs);
    this.registered = new Promise((resolve, reject) => { this.registeredResolve = resolve; this.registeredReject = reject; });
    this.registered.catch(() => { /* observed by whoever awaits it */ });
  }

  /** Starts registration, then the status and lease loops. Calling it twice does nothing. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.track(this.register(100));
  }

  /** Stops every loop and waits for writes in flight; writes nothing after it resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.registeredReject(new Error('node status manager stopped'));
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Status PATCHes written since start (registration not counted). */
  statusWriteCount(): number { return this.statusWrites; }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private after(ms: number, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const h = this.clock.setTimer(() => {
      this.timers.delete(h);
      if (!this.stopped) this.track(fn());
    }, ms);
    this.timers.add(h);
  }

  /** Upstream's registerWithAPIServer: try, and on failure retry with back-off. */
  private async register(backoffMs: number): Promise<void> {
    try {
      const node = await this.tryRegister();
      if (this.stopped) return;
      this.node = node;
      this.lease = new NodeLeaseRenewer(this.o.client, { name: node.metadata!.name!, uid: node.metadata?.uid }, this.leaseSeconds);
      this.o.logger.info({ node: node.metadata?.name }, 'node registered');
      this.registeredResolve(node);
      this.track(this.renewLease());
      this.after(this.updateMs, () => this.syncStatus());
    } catch (e) {
      this.o.logger.warn({ err: errText(e), retryMs: backoffMs }, 'unable to register node with API server');
      this.after(backoffMs, () => this.register(Math.min(backoffMs * 2, 7000)));
    }
  }

  private async tryRegister(): Promise<Node> {
    const host = await this.o.readHost();
    const r = this.o.registration;
    const base = initialNode({
      ...r, nodeName: r.nodeName ?? host.hostname, hostname: host.hostname,
      operatingSystem: host.operatingSystem, architecture: host.architecture,
    });
    const now = this.clock.now();
    const wanted: Node = { ...base, status: computeNodeStatus(await this.gather(now), this.o.status, undefined, rfc3339Seconds(now)) };
    const name = wanted.metadata!.name!;
    try {
      const created = await this.o.client.create(RESOURCES.nodes, wanted);
      this.lastReportMs = now;
      this.recordEvents(name, [], wanted.status?.conditions ?? []);
      return created;
    } catch (e) {
      if (codeOf(e) !== 409) throw e;
    }
    const existing = await this.o.client.get<Node>(RESOURCES.nodes, name);
    const patch = reconcileExistingNode(wanted, existing);
    if (!patch) return existing;
    return this.o.client.patch<Node>(RESOURCES.nodes, name, patch, { type: 'merge' });
  }

  private gather(nowMs: number): ReturnType<typeof gatherStatusInputs> {
    return gatherStatusInputs(this.o, { health: this.health, nowMs });
  }

  /** Upstream's updateNodeStatus: up to five tries, then wait for the next tick. */
  private async syncStatus(): Promise<void> {
    for (let i = 0; i < STATUS_UPDATE_RETRY && !this.stopped; i++) {
      try {
        await this.tryUpdateStatus();
        break;
      } catch (e) {
        this.o.logger.warn({ err: errText(e), attempt: i + 1 }, 'error updating node status, will retry');
      }
    }
    this.after(this.updateMs, () => this.syncStatus());
  }

  private async tryUpdateStatus(): Promise<void> {
    const name = this.node!.metadata!.name!;
    const node = await this.o.client.get<Node>(RESOURCES.nodes, name);
    const now = this.clock.now();
    const inputs = await this.gather(now);
    const computed = computeNodeStatus(inputs, this.o.status, node.status, rfc3339Seconds(now));
    // Fields other writers own (volumesInUse, features, ...) stay as the server has them; images are ours even when none.
    const next: NodeStatus = { ...node.status, ...computed, images: computed.images };
    const changed = nodeStatusChanged(node.status, next);
    if (!changed && now - this.lastReportMs < this.reportMs) return;
    if (this.stopped) return;
    // An image list that became empty is deleted (null), as upstream's two-way patch does.
    const clearImages = computed.images === undefined && (node.status?.images?.length ?? 0) > 0;
    const body = { status: { ...computed, ...(clearImages ? { images: null } : {}) } };
    this.node = await this.o.client.patch<Node>(RESOURCES.nodes, name, body, { subresource: 'status', type: 'strategic' });
    this.lastReportMs = now;
    this.statusWrites++;
    this.recordEvents(name, node.status?.conditions ?? [], computed.conditions ?? []);
  }

  /** Upstream's recordNodeStatusEvent; the involved object is upstream's nodeRef, whose uid is the node name. */
  private recordEvents(name: string, previous: NonNullable<NodeStatus['conditions']>, next: NonNullable<NodeStatus['conditions']>): void {
    if (!this.o.events) return;
    const ref: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
    for (const reason of conditionEvents(previous, next)) {
      this.o.events.event(ref, 'Normal', reason, `Node ${name} status is now: ${reason}`);
    }
  }

  private async renewLease(): Promise<void> {
    if (this.stopped || !this.lease) return;
    let delay = this.leaseMs * (1 + Math.random() * (this.o.leaseRenewJitter ?? 0.04));
    try {
      await this.lease.renew(this.clock.now());
      this.leaseFailures = 0;
    } catch (e) {
      this.leaseFailures++;
      // Upstream's lease controller backs off from 200 ms, doubling, up to the renew interval.
      delay = Math.min(this.leaseMs, 200 * 2 ** (this.leaseFailures - 1));
      this.o.logger.warn({ err: errText(e), retryMs: delay }, 'failed to renew node lease');
    }
    this.after(delay, () => this.renewLease());
  }
}
