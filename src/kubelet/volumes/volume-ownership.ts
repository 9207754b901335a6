/**
 * Upstream's SetVolumeOwnership (pkg/volume/volume_linux.go) for the pod's
 * fsGroup: every file and dir of the volume gets group fsGroup; files get
 * rw-rw---- (r--r----- for a read-only volume) added to their mode, dirs
 * that plus setgid and --x--x---, so files created later inherit the group.
 * Symlinks are lchowned and keep their mode. Volumes that upstream treats
 * this way: emptyDir, configMap, secret, downwardAPI, projected.
 */
import { chmodSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

export function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean): void {
  const st = lstatSync(dir);
  lchownSync(dir, -1, fsGroup);
  if (st.isSymbolicLink()) return;
  let mask = readOnly ? RO_MASK : RW_MASK;
  if (st.isDirectory()) {
    mask |= SETGID | EXEC_MASK;
    for (const e of readdirSync(dir)) setVolumeOwnership(join(dir, e), fsGroup, readOnly);
  }
  chmodSync(dir, (st.mode & 0o7777) | mask);
}

/** The mode a file of a read-only volume ends with after setVolumeOwnership. */
export function fileModeWithFsGroup(mode: number, fsGroup: number | undefined): number {
  return fsGroup === undefined ? mode : mode | RO_MASK;
}
