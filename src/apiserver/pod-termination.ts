/**
 * Pods bound to a node are deleted gracefully: the API server marks them
 * (deletionTimestamp = now + grace period) and the node confirms by deleting
 * them with a zero grace period (the kubelet's finishDeletion; simulated
 * nodes do the same in their `pod-delete` stage). A pod bound to a node that
 * does not exist has no one to confirm it: when its grace period has run
 * out, this sweeper removes it. That is the orphaned-pod rule of upstream's
 * pod garbage collector (pkg/controller/podgc gcOrphaned, which force-deletes
 * pods whose node is gone), applied here at the end of the grace period only
 * to pods already being deleted. A pod on an existing node whose kubelet is
 * down stays Terminating, as upstream.
 */
import type { Logger } from '../api/log.js';
import { StatusError } from '../api/errors.js';
import type { WatchCache } from './watch/watch-cache.js';
import type { GenericStore } from './registry/generic-store.js';

const PODS_PREFIX = '/registry/pods/';
const NODES_PREFIX = '/registry/nodes/';

export class PodTerminationSweeper {
  private timer?: NodeJS.Timeout;

  constructor(private readonly cache: WatchCache, private readonly pods: () => GenericStore | undefined,
    private readonly log: Logger, private readonly intervalMs = 1000) {}

  start(): void {
    this.timer = setInterval(() => { void this.sweep(); }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes every pod whose grace period ended, that waits on no finalizer and whose node does not exist. */
  async sweep(now = Date.now()): Promise<void> {
    const rc = this.cache.resource(PODS_PREFIX);
    const nodes = this.cache.resource(NODES_PREFIX);
    const reg = this.pods();
    if (!rc || !nodes || !reg) return;
    for (const pod of rc.snapshot(PODS_PREFIX)) {
      const m = pod.metadata;
      if (!m.deletionTimestamp || m.finalizers?.length) continue;
      if (Date.parse(m.deletionTimestamp) > now) continue;
      const nodeName = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
      if (nodeName && nodes.objects.has(`${NODES_PREFIX}${nodeName}`)) continue;
      try {
        await reg.delete(m.namespace ?? '', m.name!, { gracePeriodSeconds: 0, preconditions: { uid: m.uid } });
        this.log.info({ pod: `${m.namespace}/${m.name}`, node: nodeName }, 'grace period over and the node does not exist: pod deleted');
      } catch (e) {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) this.log.warn({ err: e }, 'pod deletion failed');
      }
    }
  }
}
