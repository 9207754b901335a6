/**
 * Pods bound to a node are deleted gracefully: the API server marks them
 * (deletionTimestamp = now + grace period) and the node confirms by deleting
 * them with a zero grace period. When the grace period has run out and no
 * node confirmed (the node is gone, or none runs pods yet), this sweeper
 * removes the pod, so that a deletion always ends.
 */
import type { Logger } from '../api/log.js';
import { StatusError } from '../api/errors.js';
import type { WatchCache } from './watch/watch-cache.js';
import type { GenericStore } from './registry/generic-store.js';

const PODS_PREFIX = '/registry/pods/';

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

  /** Deletes every pod whose grace period ended and that waits on no finalizer. */
  async sweep(now = Date.now()): Promise<void> {
    const rc = this.cache.resource(PODS_PREFIX);
    const reg = this.pods();
    if (!rc || !reg) return;
    for (const pod of rc.snapshot(PODS_PREFIX)) {
      const m = pod.metadata;
      if (!m.deletionTimestamp || m.finalizers?.length) continue;
      if (Date.parse(m.deletionTimestamp) > now) continue;
      try {
        await reg.delete(m.namespace ?? '', m.name!, { gracePeriodSeconds: 0, preconditions: { uid: m.uid } });
        this.log.info({ pod: `${m.namespace}/${m.name}` }, 'grace period over: pod deleted');
      } catch (e) {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) this.log.warn({ err: e }, 'pod deletion failed');
      }
    }
  }
}
