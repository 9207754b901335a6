/**
 * What a real node needs from the machine, checked up front so that a
 * missing piece is named (with the package that brings it) instead of
 * surfacing as a runtime error deep in a pod's start.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_CNI_BIN_DIR } from './containerd/config.js';
import { DEFAULT_BUSYBOX } from './images/busybox-rootfs.js';
import { inspectElf } from './images/elf.js';

export interface NodeRequirementOptions {
  /** @default /usr/lib/cni */
  cniBinDir?: string;
  /** @default /bin/busybox */
  busybox?: string;
}

/** Plugins the k8ts conflist uses, plus loopback, which containerd adds itself. */
const CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'];

/** System directories searched besides PATH: runc and iptables live in sbin on Debian. */
export const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * Each unmet requirement as "<what> (<how to get it>)"; empty when the
 * machine can run a node.
 */
export function missingNodeRequirements(opts: NodeRequirementOptions = {}): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (containerd, runc and CNI need it)');
  for (const [bin, pkg] of [['containerd', 'containerd'], ['containerd-shim-runc-v2', 'containerd'], ['runc', 'runc'], ['iptables', 'iptables']]) {
    if (!findExecutable(bin)) missing.push(`${bin} (apt-get install ${pkg})`);
  }
  const cniBinDir = opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR;
  const plugins = CNI_PLUGINS.filter((p) => !isExecutable(join(cniBinDir, p)));
  if (plugins.length > 0) missing.push(`CNI plugins ${plugins.join(', ')} in ${cniBinDir} (apt-get install containernetworking-plugins)`);
  if (!/\toverlay$/m.test(readOr('/proc/filesystems'))) missing.push('the overlay filesystem (modprobe overlay)');
  const busybox = opts.busybox ?? DEFAULT_BUSYBOX;
  if (!isStaticBinary(busybox)) missing.push(`a static ${busybox} for the pause image (apt-get install busybox-static)`);
  return missing;
}

/** The executable's path on PATH or in the system directories, if any. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SYSTEM_PATH];
  for (const d of dirs) {
    const p = join(d, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isStaticBinary(path: string): boolean {
  try {
    return inspectElf(readFileSync(path)).static;
  } catch {
    return false;
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
