/**
 * Runs the kubelet's two collections on upstream's periods: dead
 * containers every minute (ContainerGCPeriod), unused images every five
 * (ImageGCPeriod). A failed run is logged; the next one comes anyway.
 */
import type { Logger } from '../../api/log.js';
import { garbageCollectContainers, type ContainerGCOptions } from './container-gc.js';
import type { ImageGCManager } from './image-gc.js';

export const CONTAINER_GC_PERIOD_MS = 60_000;
export const IMAGE_GC_PERIOD_MS = 5 * 60_000;

export interface GarbageCollectorOptions {
  containers: ContainerGCOptions;
  images?: ImageGCManager;
  logger?: Logger;
  /** @default CONTAINER_GC_PERIOD_MS */
  containerPeriodMs?: number;
  /** @default IMAGE_GC_PERIOD_MS */
  imagePeriodMs?: number;
}

export class GarbageCollector {
  private readonly timers: NodeJS.Timeout[] = [];
  private runs: Promise<unknown>[] = [];
  private stopped = false;

  constructor(private readonly o: GarbageCollectorOptions) {}

  start(): void {
    this.every(this.o.containerPeriodMs ?? CONTAINER_GC_PERIOD_MS, 'container', () => garbageCollectContainers(this.o.containers));
    const images = this.o.images;
    if (images) this.every(this.o.imagePeriodMs ?? IMAGE_GC_PERIOD_MS, 'image', () => images.garbageCollect());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.runs);
  }

  private every(ms: number, what: string, run: () => Promise<unknown>): void {
    let busy = false;
    this.timers.push(setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      const p = run()
        .catch((e: unknown) => this.o.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, `${what} garbage collection failed`))
        .finally(() => { busy = false; this.runs = this.runs.filter((r) => r !== p); });
      this.runs.push(p);
    }, ms));
  }
}
