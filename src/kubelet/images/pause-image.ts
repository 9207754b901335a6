/**
 * The sandbox ("pause") image, which k8ts must have with no network on a
 * fresh machine. k8ts builds it at start from the host's static busybox:
 * busybox-static is in the setup command anyway, so this needs no compiler
 * at install time and no prebuilt binary in the repository, works on every
 * architecture Debian builds busybox for, and shares its one layer with
 * the busybox image. The entrypoint, busybox's ash as PID 1, does what
 * upstream's pause.c does: it reaps every child (ash's wait collects any
 * exited child, adopted orphans included), exits 0 on SIGTERM or SIGINT,
 * and otherwise sleeps. It runs as 65535:65535, as upstream's image does.
 */
import { busyboxRootfs, DEFAULT_BUSYBOX } from './busybox-rootfs.js';
import { buildOciImage, type BuiltImage } from './oci-layout.js';

/**
 * The name containerd's sandbox_image is set to. It is k8ts's own (not
 * registry.k8s.io/pause) because its content is; the tag changes when the
 * entrypoint does.
 */
export const PAUSE_IMAGE = 'localhost/k8ts/pause:1';

const PAUSE_SCRIPT = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait; done";

export interface PauseImageOptions {
  /** @default /bin/busybox */
  busybox?: string;
  /** @default PAUSE_IMAGE */
  name?: string;
}

export function buildPauseImage(opts: PauseImageOptions = {}): BuiltImage {
  const rootfs = busyboxRootfs(opts.busybox ?? DEFAULT_BUSYBOX);
  return buildOciImage({
    name: opts.name ?? PAUSE_IMAGE,
    layers: [rootfs.layer],
    architecture: rootfs.architecture,
    config: { Entrypoint: ['/bin/sh', '-c', PAUSE_SCRIPT], User: '65535:65535' },
  });
}
