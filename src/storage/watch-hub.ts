import { CompactedError, type WatchEvent, type WatchListener, type Watcher } from './store.js';

/**
 * Where a WatchHub reads history from. Every method reads the committed state
 * synchronously, so one call sees one consistent revision.
 */
export interface WatchSource {
  /** Committed events under prefix with revision > afterRevision, in revision order, at most `limit`. */
  readEvents(prefix: string, afterRevision: number, limit: number): WatchEvent[];
  currentRevision(): number;
  compactedRevision(): number;
}

export interface WatchHubOptions {
  /**
   * Events read from history per step of a backfill; the hub yields to the
   * event loop between steps, so live writes go on while a long backfill runs.
   * @default 1000
   */
  backfillPageSize?: number;
}

/**
 * In-process watch fan-out shared by the store backends. A watcher subscribes
 * first (live events are buffered), then backfills from history page by page,
 * then drains the buffer, dropping every event at or below the last revision
 * it delivered: nothing between history and live changes is lost or repeated.
 */
export class WatchHub {
  readonly #watchers = new Set<HubWatcher>();
  readonly #pageSize: number;

  constructor(readonly source: WatchSource, opts: WatchHubOptions = {}) {
    this.#pageSize = opts.backfillPageSize ?? 1000;
  }

  get pageSize(): number { return this.#pageSize; }

  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    const w = new HubWatcher(this, prefix, fromRevision, listener);
    this.#watchers.add(w);
    setImmediate(() => w.backfill());
    return w;
  }

  /** Hands committed events (in revision order) to every watcher; delivery happens later, never inside this call. */
  publish(events: readonly WatchEvent[]): void {
    if (events.length === 0) return;
    for (const w of this.#watchers) w.push(events);
  }

  /** Stops every watcher without calling its listener again. */
  close(): void {
    for (const w of [...this.#watchers]) w.stop();
  }

  remove(w: HubWatcher): void {
    this.#watchers.delete(w);
  }
}

class HubWatcher implements Watcher {
  /** Every matching event with revision <= cursor has been delivered. */
  #cursor: number;
  #live = false;
  #stopped = false;
  #scheduled = false;
  #pending: WatchEvent[] = [];

  constructor(
    private readonly hub: WatchHub,
    private readonly prefix: string,
    fromRevision: number,
    private readonly listener: WatchListener,
  ) {
    this.#cursor = fromRevision;
  }

  /** One backfill step; reschedules itself until history is exhausted, then goes live. */
  backfill(): void {
    if (this.#stopped) return;
    const { source, pageSize } = this.hub;
    try {
      const compacted = source.compactedRevision();
      if (this.#cursor < compacted) {
        this.#fail(new CompactedError(this.#cursor, compacted));
        return;
      }
      const head = source.currentRevision();
      const page = source.readEvents(this.prefix, this.#cursor, pageSize);
      if (page.length > 0) this.#deliver(page);
      if (this.#stopped) return;
      if (page.length < pageSize) {
        this.#cursor = Math.max(this.#cursor, head);
        this.#live = true;
        this.#drain();
      } else {
        setImmediate(() => this.backfill());
      }
    } catch (err) {
      this.#fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  push(events: readonly WatchEvent[]): void {
    if (this.#stopped) return;
    for (const e of events) if (e.kv.key.startsWith(this.prefix)) this.#pending.push(e);
    if (this.#live && this.#pending.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.#drain();
      });
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#pending = [];
    this.hub.remove(this);
  }

  #drain(): void {
    const batch = this.#pending.filter((e) => e.revision > this.#cursor);
    this.#pending = [];
    if (batch.length > 0) this.#deliver(batch);
  }

  #deliver(events: WatchEvent[]): void {
    if (this.#stopped) return;
    this.#cursor = events[events.length - 1]!.revision;
    try {
      this.listener.onEvents(events);
    } catch (err) {
      this.#fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #fail(err: Error): void {
    if (this.#stopped) return;
    this.stop();
    this.listener.onError(err);
  }
}
