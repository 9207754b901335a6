/**
 * What the watch fan-out parent (writer) and its child (watchers) say to each
 * other over IPC, and the clock both stamp events with.
 */

export const SENT_AT_ANNOTATION = 'bench.k8ts.io/sent-at';

/** High-resolution epoch milliseconds (comparable across processes up to the offset `clock` measures). */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Parent → child. */
export type ToWatchers =
  /** Writer starts now; `childMinusParentMs` maps the parent's timestamps onto this clock. */
  | { type: 'start'; childMinusParentMs: number }
  | { type: 'clock'; seq: number; parentMs: number }
  | { type: 'drain'; expected: number; timeoutMs: number };

/** Child → parent. */
export type FromWatchers =
  | { type: 'ready'; opened: number; failed: number; firstError?: string; openMs: number }
  | { type: 'clock'; seq: number; childMs: number }
  | { type: 'result'; result: WatchersResult };

export interface WatchersResult {
  hist: { counts: number[]; max: number; sum: number };
  delivered: number;
  /** Watchers that received every expected event. */
  complete: number;
  /** Watchers whose stream the server ended or broke before drain finished. */
  closedByServer: number;
  closedDetails: string[];
  /** Watch events of type ERROR seen. */
  errorEvents: number;
  /** Bytes of watch stream received (chunked framing excluded) from start to the end of drain. */
  bytes: number;
  /** Cores this process used between `start` and the end of drain. */
  cpu: number;
  /** Time from the writer's end until every watcher had everything (or the drain timeout). */
  drainMs: number;
}

export interface WatchersConfig { kubeconfig: string; path: string; watchers: number; openConcurrency: number; openTimeoutMs: number }

