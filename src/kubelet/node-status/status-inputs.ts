/**
 * Gathers what one node status computation reads: the host, its usage,
 * and the runtime's version, status and images. A runtime that does not
 * answer is an input too (Ready=False, "container runtime is down"), never
 * an error; only a host that cannot be read rejects.
 */
import type { ImageService, RuntimeService } from '../runtime/cri/services.js';
import type { HostInfo } from './host-info.js';
import type { HostUsage } from './host-usage.js';
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

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function gatherStatusInputs(s: StatusSources): Promise<NodeStatusInputs> {
  const [host, usage, version, status, images] = await Promise.all([
    s.readHost(),
    s.readUsage(),
    s.runtime.version('v1').then((v) => v, () => undefined),
    s.runtime.status(false).then((st) => ({ status: st }), (e: unknown) => ({ error: message(e) })),
    s.images.listImages().then((i) => i, () => undefined),
  ]);
  return { host, usage, runtimeStatus: status, ...(version ? { runtimeVersion: version } : {}), ...(images ? { images } : {}) };
}
