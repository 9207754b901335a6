/**
 * Making sure a container's image is there before CreateContainer
 * (upstream's imageManager.EnsureImageExists in pkg/kubelet/images): per
 * imagePullPolicy, with a per-image back-off after failed pulls (10 s
 * doubling to 300 s, as the kubelet's image back-off, kept per pod and
 * image). A pull uses the pod's imagePullSecrets that match the image's
 * registry, each in turn until one works, else no credentials (upstream's
 * kuberuntime_image.go PullImage).
 */
import type { Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../client/clock.js';
import { realClock } from '../../client/clock.js';
import type { ImageService } from '../runtime/cri/services.js';
import type { PodObjects } from '../pod-objects.js';
import { authConfigOf, keyringFromSecrets } from './docker-keyring.js';
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
  async ensure(c: Container, sandbox: PodSandboxConfig, owner?: PullOwner): Promise<EnsureImageResult> {
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
    // kubelet's backOffKey: pod UID and image, so one pod's missing secret does not hold back another's pull.
    const key = `${owner?.pod.metadata?.uid ?? ''}_${image}`;
    const b = this.backOff.get(key);
    const now = this.clock.now();
    // With Always, a present image is no fallback: a failed pull fails the container (upstream's EnsureImageExists),
    // or a pod without the registry's credentials would run an image another pod's secret pulled.
    if (b && now < b.untilMs) {
      return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } };
    }
    try {
      const ref = await this.pull(image, sandbox, owner);
      this.backOff.delete(key);
      return { imageRef: ref, pulled: true };
    } catch (err) {
      const ms = b ? Math.min(b.ms * 2, MAX_MS) : INITIAL_MS;
      this.backOff.set(key, { untilMs: now + ms, ms });
      return { waiting: { reason: 'ErrImagePull', message: `failed to pull image "${image}": ${errText(err)}` } };
    }
  }

  private async pull(image: string, sandbox: PodSandboxConfig, owner: PullOwner | undefined): Promise<string> {
    const creds = keyringFromSecrets(owner ? await pullSecrets(owner) : []).lookup(image);
    if (creds.length === 0) return this.images.pullImage({ image }, undefined, sandbox);
    const errors: string[] = [];
    for (const cred of creds) {
      try {
        return await this.images.pullImage({ image }, authConfigOf(cred), sandbox);
      } catch (err) {
        errors.push(errText(err));
      }
    }
    throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  }
}

/** The pod's imagePullSecrets that exist; a missing one is skipped, as the kubelet does ("the image pull may not succeed"). */
async function pullSecrets(owner: PullOwner): Promise<Secret[]> {
  const ns = owner.pod.metadata?.namespace ?? 'default';
  const out: Secret[] = [];
  for (const ref of owner.pod.spec?.imagePullSecrets ?? []) {
    if (!ref.name) continue;
    const s = await owner.podObjects.secret(ns, ref.name);
    if (s) out.push(s);
  }
  return out;
}

/** The pod whose container needs the image, and where its imagePullSecrets are read. */
export interface PullOwner {
  pod: Pod;
  podObjects: PodObjects;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
