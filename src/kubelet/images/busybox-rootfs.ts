/**
 * A root filesystem layer made from the host's static busybox (Debian's
 * busybox-static): /bin/busybox, a symlink for every applet it lists
 * (`busybox --list-full`: sh, httpd, sleep, ip, ...), the usual top-level
 * directories, and /etc/passwd and /etc/group with root and nobody. Both
 * the pause image and the busybox image use this same layer, so containerd
 * stores and unpacks it once.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspectElf } from './elf.js';
import { writeTar, type TarEntry } from './tar-writer.js';

/** Where busybox-static installs it on Debian and Ubuntu. */
export const DEFAULT_BUSYBOX = '/bin/busybox';

export interface BusyboxRootfs {
  /** The layer, an uncompressed tar. */
  layer: Buffer;
  /** OCI architecture of the binary. */
  architecture: string;
  /** e.g. "1.35.0". */
  version: string;
}

const DIRECTORIES: Array<[string, number]> = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o755], ['root', 0o700], ['sbin', 0o755],
  ['sys', 0o755], ['tmp', 0o1777], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['var', 0o755], ['var/tmp', 0o1777],
];

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnobody:x:65534:\n';

/**
 * Reads and checks the binary, and builds the layer. Throws, naming the
 * package to install, when the binary is missing or dynamically linked
 * (Debian's plain `busybox` package), since an image has no libc.
 */
export function busyboxRootfs(binary: string = DEFAULT_BUSYBOX): BusyboxRootfs {
  let bytes: Buffer;
  try {
    bytes = readFileSync(binary);
  } catch (err) {
    throw new Error(`${binary} is missing: images built from busybox need a static busybox (apt-get install busybox-static)`, { cause: err });
  }
  const elf = inspectElf(bytes);
  if (!elf.static) throw new Error(`${binary} is dynamically linked: images built from busybox need a static one (apt-get install busybox-static)`);
  if (!elf.architecture) throw new Error(`${binary}: unknown ELF machine`);
  const applets = execFileSync(binary, ['--list-full'], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter(Boolean);
  const banner = execFileSync(binary, [], { encoding: 'utf8' }).split('\n')[0] ?? '';
  const version = /BusyBox v([\w.]+)/.exec(banner)?.[1] ?? 'unknown';

  const dirs = new Map<string, number>(DIRECTORIES);
  for (const a of applets) {
    const parts = a.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) dirs.set(d, 0o755);
    }
  }
  const entries: TarEntry[] = [...dirs].map(([name, mode]) => ({ name, type: 'directory', mode }));
  entries.push({ name: 'bin/busybox', type: 'file', mode: 0o755, data: bytes });
  entries.push({ name: 'etc/passwd', type: 'file', data: Buffer.from(PASSWD) });
  entries.push({ name: 'etc/group', type: 'file', data: Buffer.from(GROUP) });
  for (const a of applets) {
    if (a !== 'bin/busybox') entries.push({ name: a, type: 'symlink', linkname: '/bin/busybox' });
  }
  entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return { layer: writeTar(entries), architecture: elf.architecture, version };
}
