/**
 * A busybox image built from the host's static busybox, for tests and for
 * users without a registry: `sh`, `httpd`, `wget`, `nc` and the rest of
 * busybox's applets on PATH, Cmd ["sh"] as Docker's busybox image has.
 */
import { busyboxRootfs, DEFAULT_BUSYBOX } from './busybox-rootfs.js';
import { buildOciImage, type BuiltImage } from './oci-layout.js';

export interface BusyboxImageOptions {
  /** @default /bin/busybox */
  busybox?: string;
}

/** `name` must be fully qualified (see normalizeImageReference). */
export function buildBusyboxImage(name: string, opts: BusyboxImageOptions = {}): BuiltImage {
  const rootfs = busyboxRootfs(opts.busybox ?? DEFAULT_BUSYBOX);
  return buildOciImage({
    name,
    layers: [rootfs.layer],
    architecture: rootfs.architecture,
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
    },
  });
}
