/**
 * Making sure a container's image is there before CreateContainer
 * (upstream's imageManager.EnsureImageExists in pkg/kubelet/images): per
 * imagePullPolicy, with a per-image back-off after failed pulls (10 s
 * doubling to 300 s, as the kubelet's image back-off).
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../client/clock.js';
import { realClock } from '../../client/clock.js';
import type { ImageService } from '../runtime/cri/services.js';
import type { PodSandboxConfig } from '../runtime/cri/types.js';
import type { WaitingReason } from '../pod-workers/container-statuses.js';

/** Either the image reference to create the container with, or why the container waits. */
/** `pulled`: PullImage brought it now (else it was present). */
export type EnsureImageResult = { imageRef: string; pulled: boolean } | { waiting: WaitingReason };

const INITIAL_MS = 10_000;
const MAX_MS = 300_000;

/** Upstream's default: Always for ':latest' or no tag, else IfNotPresent. */
export function pullPolicyOf(c: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const p = c.imagePullPolicy;
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return p;
  const image = c.image ?? '';
  const last = image.split('/').pop() ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

export class ImagePuller {
  private readonly backOff = new Map<string, { untilMs: number; ms: number }>();
  private readonly clock: Clock;

  constructor(private readonly images: ImageService, opts: { clock?: Clock } = {}) {
    this.clock = opts.clock ?? realClock;
  }

  /**
   * The image reference for `c`: its ImageStatus id when present and the
   * policy does not say Always; ErrImageNeverPull when absent with Never;
   * ImagePullBackOff while a failed pull of this image backs off; else a
   * PullImage, whose failure is ErrImagePull. Never throws.
   */
  async ensure(c: Container, sandbox: PodSandboxConfig): Promise<EnsureImageResult> {
    const image = c.image ?? '';
    if (!image) return { waiting: { reason: 'InvalidImageName', message: `container ${c.name} has no image` } };
    const policy = pullPolicyOf(c);
    let present: string | undefined;
    try {
      present = (await this.images.imageStatus({ image })).image?.id;
    } catch (err) {
      return { waiting: { reason: 'ErrImagePull', message: errText(err) } };
    }
    if (present && policy !== 'Always') return { imageRef: present, pulled: false };
    if (policy === 'Never') {
      return { waiting: { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` } };
    }
    const b = this.backOff.get(image);
    const now = this.clock.now();
    if (b && now < b.untilMs) {
      if (present) return { imageRef: present, pulled: false };
      return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } };
    }
    try {
      const ref = await this.images.pullImage({ image }, undefined, sandbox);
      this.backOff.delete(image);
      return { imageRef: ref, pulled: true };
    } catch (err) {
      const ms = b ? Math.min(b.ms * 2, MAX_MS) : INITIAL_MS;
      this.backOff.set(image, { untilMs: now + ms, ms });
      if (present) return { imageRef: present, pulled: false };
      return { waiting: { reason: 'ErrImagePull', message: `failed to pull image "${image}": ${errText(err)}` } };
    }
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
