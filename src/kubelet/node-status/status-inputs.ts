/**
 * Gathers what one node status computation reads: the host, its usage,
 * and the runtime's version, status and images. A runtime that does not
 * answer is an input too (judged by RuntimeHealth), never an error; only a
 * host that cannot be read rejects.
 */
import type { ImageService, RuntimeService } from '../runtime/cri/services.js';
import type { HostInfo } from './host-info.js';
import type { HostUsage } from './host-usage.js';
import { RuntimeHealth } from './runtime-health.js';
import type { NodeStatusInputs } from './setters.js';

/** The parts of the CRI node status reads. */
export type StatusRuntime = Pick<RuntimeService, 'version' | 'status'>;
export type StatusImages = Pick<ImageService, 'listImages'>;

export interface StatusSources {
  runtime: StatusRuntime;
  images: StatusImages;
  readHost(): Promise<HostInfo>;
  readUsage(): Promise<HostUsage>;
}

/**
 * `health` carries the runtime's last answer from one gathering to the
 * next; without it every failed Status call counts as the runtime being down.
 */
export async function gatherStatusInputs(s: StatusSources, opts: { health?: RuntimeHealth; nowMs?: number } = {}): Promise<NodeStatusInputs> {
  const [host, usage, version, status, images] = await Promise.all([
    s.readHost(),
    s.readUsage(),
    s.runtime.version('v1').then((v) => v, () => undefined),
    s.runtime.status(false).then((st) => st, () => undefined),
    s.images.listImages().then((i) => i, () => undefined),
  ]);
  const health = opts.health ?? new RuntimeHealth(0);
  const runtimeStatus = health.observe(status, opts.nowMs ?? Date.now());
  return { host, usage, runtimeStatus, ...(version ? { runtimeVersion: version } : {}), ...(images ? { images } : {}) };
}
