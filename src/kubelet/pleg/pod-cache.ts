/**
 * The runtime pod cache (upstream's pkg/kubelet/container/cache.go): the
 * newest runtime view of each pod, written by the PLEG's relist and by a
 * pod worker that has just acted, read by the pod worker instead of asking
 * the runtime again.
 */
import type { RuntimePod } from '../pod-workers/runtime-pod.js';

export interface CachedRuntimePod {
  status: RuntimePod;
  /** Epoch ms at which the reads that produced `status` began. */
  readAt: number;
}

/**
 * The runtime view per pod uid. Writers pass the time their read began; a
 * write older than the entry it would replace is dropped, so a slow relist
 * never overwrites what a pod worker read after acting.
 */
export class PodCache {
  private readonly entries = new Map<string, CachedRuntimePod>();

  get(uid: string): CachedRuntimePod | undefined {
    return this.entries.get(uid);
  }

  /** Stores `status` read from `readAt` on, unless the entry is newer. Returns whether it was stored. */
  set(uid: string, status: RuntimePod, readAt: number): boolean {
    const cur = this.entries.get(uid);
    if (cur && cur.readAt > readAt) return false;
    this.entries.set(uid, { status, readAt });
    return true;
  }

  /**
   * Forgets `uid`; with `readBy`, only an entry whose read began no later
   * than that (a tie forgets: a missing entry only costs a read).
   */
  delete(uid: string, readBy?: number): void {
    const cur = this.entries.get(uid);
    if (cur && (readBy === undefined || cur.readAt <= readBy)) this.entries.delete(uid);
  }

  uids(): string[] {
    return [...this.entries.keys()];
  }
}
