/**
 * The kubelet's view of its static pods (upstream's pkg/kubelet/config
 * config.go PodConfig, for the file and http sources): every source is read
 * whole every `checkIntervalMs` and whenever it says it changed; the pods
 * are merged by namespace/name (the first source to name a pod keeps it),
 * annotated with their source and the time first seen, and each key whose
 * pod was added, changed or removed is reported.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepEqual } from '../../api/object.js';
import { CONFIG_SEEN_ANNOTATION, CONFIG_SOURCE_ANNOTATION } from './annotations.js';
import type { ManifestSource } from './manifest-source.js';

/** What the kubelet's pod loop asks of its static pods. */
export interface StaticPodSource {
  /** The static pod `namespace/name` as it is to run, or undefined. The caller must not mutate it. */
  get(key: string): Pod | undefined;
  /** Every static pod. */
  list(): Pod[];
  /**
   * Every source has been read successfully once. Until then, a mirror pod
   * without its static pod, or a sandbox of an unknown pod, may belong to a
   * static pod not read yet: they must not be removed.
   */
  hasSynced(): boolean;
  /** Calls `fn(key)` each time the static pod `key` is added, changed or removed. */
  onChange(fn: (key: string) => void): void;
}

export interface StaticPodsOptions {
  logger: Logger;
  /** Upstream's --file-check-frequency and --http-check-frequency. @default 20000 */
  checkIntervalMs?: number;
  /** Changes a source reports are read after this quiet time, so that a file being written is read once. @default 100 */
  debounceMs?: number;
  /** @default () => new Date() */
  now?: () => Date;
}

export class StaticPods implements StaticPodSource {
  private readonly bySource: (Map<string, Pod> | undefined)[];
  private merged = new Map<string, Pod>();
  private readonly listeners: ((key: string) => void)[] = [];
  private readonly unwatch: (() => void)[] = [];
  private readonly failures = new Map<string, string>();
  private readonly conflicts = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly sources: readonly ManifestSource[], private readonly o: StaticPodsOptions) {
    this.bySource = sources.map(() => undefined);
  }

  get(key: string): Pod | undefined { return this.merged.get(key); }
  list(): Pod[] { return [...this.merged.values()]; }
  hasSynced(): boolean { return this.bySource.every((m) => m !== undefined); }
  onChange(fn: (key: string) => void): void { this.listeners.push(fn); }

  /** Reads every source now, then every checkInterval; watches those that can be watched. */
  start(): void {
    for (const s of this.sources) if (s.watch) this.unwatch.push(s.watch(() => this.soon()));
    const tick = (): void => {
      this.timer = setTimeout(() => void this.refresh().finally(() => { if (!this.stopped) tick(); }), this.o.checkIntervalMs ?? 20_000);
    };
    void this.refresh().finally(() => { if (!this.stopped) tick(); });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.debounce);
    for (const u of this.unwatch.splice(0)) u();
    await this.refreshing;
  }

  /**
   * Reads every source once and reports what changed. Never throws: a source
   * that fails is logged (once per distinct error) and keeps its pods.
   * Calls made while one runs are folded into one more run.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.readAll();
      } while (this.again && !this.stopped);
    })().finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  private soon(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), this.o.debounceMs ?? 100);
  }

  private async readAll(): Promise<void> {
    await Promise.all(this.sources.map(async (s, i) => {
      try {
        const pods = await s.read();
        this.bySource[i] = new Map(pods.map((p) => [`${p.metadata!.namespace}/${p.metadata!.name}`, p]));
        if (this.failures.delete(s.location)) this.o.logger.info({ source: s.kind, location: s.location }, 'static pod source readable again');
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (this.failures.get(s.location) !== message) {
          this.failures.set(s.location, message);
          this.o.logger.error({ source: s.kind, location: s.location, err: message }, 'could not read static pods; keeping the ones read before');
        }
      }
    }));
    if (this.stopped) return;
    this.merge();
  }

  private merge(): void {
    const next = new Map<string, Pod>();
    const now = this.o.now ?? (() => new Date());
    for (const [i, pods] of this.bySource.entries()) {
      for (const [key, pod] of pods ?? []) {
        const held = next.get(key);
        if (held) {
          const conflict = `${key}:${this.sources[i]!.location}`;
          if (!this.conflicts.has(conflict)) {
            this.conflicts.add(conflict);
            this.o.logger.warn({ pod: key, source: this.sources[i]!.location }, 'static pod name taken by another source; ignored');
          }
          continue;
        }
        const old = this.merged.get(key);
        const seen = old && old.metadata?.uid === pod.metadata?.uid ? old.metadata?.annotations?.[CONFIG_SEEN_ANNOTATION] : undefined;
        const candidate: Pod = {
          ...pod,
          metadata: {
            ...pod.metadata,
            annotations: {
              ...pod.metadata?.annotations,
              [CONFIG_SOURCE_ANNOTATION]: this.sources[i]!.kind,
              [CONFIG_SEEN_ANNOTATION]: seen ?? now().toISOString(),
            },
          },
        };
        next.set(key, old && deepEqual(old, candidate) ? old : candidate);
      }
    }
    const previous = this.merged;
    this.merged = next;
    for (const key of new Set([...previous.keys(), ...next.keys()])) {
      if (previous.get(key) === next.get(key)) continue;
      const pod = next.get(key);
      this.o.logger.info({ pod: key, uid: pod?.metadata?.uid, op: !pod ? 'removed' : previous.has(key) ? 'changed' : 'added' }, 'static pod');
      for (const fn of this.listeners) fn(key);
    }
  }
}
