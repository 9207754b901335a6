/**
 * Image garbage collection (upstream pkg/kubelet/images/image_gc_manager.go).
 * The manager remembers when it first saw each image and when one was last
 * used by a container (any container the runtime has, exited ones too).
 * When the image filesystem's usage reaches highThresholdPercent it frees
 * enough to come down to lowThresholdPercent, removing unused images least
 * recently used first (then first detected), never one younger than minAge
 * and never the sandbox (pause) image: containerd 1.6 reports no image as
 * pinned, so the kubelet spares it itself.
 */
import type { Logger } from '../../api/log.js';
import type { ImageService, RuntimeService } from '../runtime/cri/services.js';
import type { Image } from '../runtime/cri/types.js';

export interface ImageGCPolicy {
  /** @default 85 */
  highThresholdPercent: number;
  /** @default 80 */
  lowThresholdPercent: number;
  /** @default 120000 (upstream's ImageMinimumGCAge, 2 min) */
  minAgeMs: number;
}

export const DEFAULT_IMAGE_GC_POLICY: ImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 120_000 };

export interface ImageFsStats {
  capacityBytes: number;
  availableBytes: number;
}

export interface ImageGCOptions {
  images: Pick<ImageService, 'listImages' | 'removeImage'>;
  runtime: Pick<RuntimeService, 'listContainers'>;
  /** The runtime's sandbox image (never removed). */
  sandboxImage: string;
  /** Capacity and free space of the filesystem holding the images. */
  imageFs: () => Promise<ImageFsStats>;
  policy?: Partial<ImageGCPolicy>;
  logger?: Logger;
  now?: () => number;
}

interface ImageRecord {
  firstDetected: number;
  lastUsed: number;
  size: number;
  pinned: boolean;
}

export interface ImageGCResult {
  /** Bytes the collection set out to free (0: under the high threshold). */
  bytesToFree: number;
  freedBytes: number;
  removed: string[];
}

export class ImageGCManager {
  private readonly records = new Map<string, ImageRecord>();
  private readonly policy: ImageGCPolicy;

  /** Throws on thresholds upstream refuses (outside 0..100, low above high). */
  constructor(private readonly o: ImageGCOptions) {
    this.policy = { ...DEFAULT_IMAGE_GC_POLICY, ...o.policy };
    const { highThresholdPercent: high, lowThresholdPercent: low } = this.policy;
    if (!(high >= 0 && high <= 100)) throw new Error(`invalid image GC high threshold ${high}: must be in [0, 100]`);
    if (!(low >= 0 && low <= 100)) throw new Error(`invalid image GC low threshold ${low}: must be in [0, 100]`);
    if (low > high) throw new Error(`image GC low threshold ${low} is above the high threshold ${high}`);
  }

  private now(): number { return (this.o.now ?? Date.now)(); }

  /** Updates first-detected and last-used times; resolves with the IDs in use (sandbox image included). */
  async detectImages(now = this.now()): Promise<Set<string>> {
    const [images, containers] = await Promise.all([this.o.images.listImages(), this.o.runtime.listContainers()]);
    const refs = new Set<string>();
    for (const c of containers) {
      refs.add(c.imageRef);
      if (c.image?.image) refs.add(c.image.image);
    }
    const inUse = new Set<string>();
    const present = new Set<string>();
    for (const img of images) {
      present.add(img.id);
      const used = refs.has(img.id) || img.repoTags.some((t) => refs.has(t)) || img.repoDigests.some((d) => refs.has(d));
      const sandbox = isImage(img, this.o.sandboxImage);
      if (used || sandbox) inUse.add(img.id);
      const r = this.records.get(img.id) ?? { firstDetected: now, lastUsed: 0, size: img.size, pinned: false };
      r.size = img.size;
      r.pinned = img.pinned || sandbox;
      if (used) r.lastUsed = now;
      this.records.set(img.id, r);
    }
    for (const id of this.records.keys()) if (!present.has(id)) this.records.delete(id);
    return inUse;
  }

  /** One collection: frees space down to the low threshold when usage reached the high one. */
  async garbageCollect(): Promise<ImageGCResult> {
    const fs = await this.o.imageFs();
    if (!(fs.capacityBytes > 0)) throw new Error(`invalid image filesystem capacity ${fs.capacityBytes}`);
    const now = this.now();
    await this.detectImages(now);
    const usagePercent = 100 - Math.trunc((fs.availableBytes * 100) / fs.capacityBytes);
    if (usagePercent < this.policy.highThresholdPercent) return { bytesToFree: 0, freedBytes: 0, removed: [] };
    const bytesToFree = Math.trunc((fs.capacityBytes * (100 - this.policy.lowThresholdPercent)) / 100) - fs.availableBytes;
    this.o.logger?.info({ usagePercent, highThresholdPercent: this.policy.highThresholdPercent, bytesToFree }, 'image filesystem usage over the high threshold, removing unused images');
    const result = await this.freeSpace(bytesToFree, now);
    if (result.freedBytes < bytesToFree) {
      throw new Error(`failed to garbage collect the required amount of images: wanted to free ${bytesToFree} bytes, but freed ${result.freedBytes}`);
    }
    return result;
  }

  /** Removes unused images, least recently used first, until `bytesToFree` are freed. */
  async freeSpace(bytesToFree: number, now = this.now()): Promise<ImageGCResult> {
    const inUse = await this.detectImages(now);
    const candidates = [...this.records.entries()]
      .filter(([id, r]) => !inUse.has(id) && !r.pinned)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed || a.firstDetected - b.firstDetected);
    const removed: string[] = [];
    let freedBytes = 0;
    for (const [id, r] of candidates) {
      if (freedBytes >= bytesToFree) break;
      if (now - r.firstDetected < this.policy.minAgeMs) continue;
      try {
        await this.o.images.removeImage({ image: id });
      } catch (e) {
        this.o.logger?.warn({ image: id, err: e instanceof Error ? e.message : String(e) }, 'failed to remove an unused image');
        continue;
      }
      this.records.delete(id);
      removed.push(id);
      freedBytes += r.size;
    }
    if (removed.length) this.o.logger?.info({ images: removed, freedBytes }, 'removed unused images');
    return { bytesToFree, freedBytes, removed };
  }
}

function isImage(img: Image, ref: string): boolean {
  const short = ref.replace(/^docker\.io\/(library\/)?/, '');
  return img.id === ref || img.repoTags.some((t) => t === ref || t.replace(/^docker\.io\/(library\/)?/, '') === short) || img.repoDigests.includes(ref);
}
