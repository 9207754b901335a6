/** A Mounter that records what would be mounted, for tests that need no root. */
import type { Mounter } from '../../../src/kubelet/volumes/index.js';

export class FakeMounter implements Mounter {
  readonly mounts = new Map<string, string>();

  async mountTmpfs(dir: string, sizeBytes: number): Promise<void> {
    this.mounts.set(dir, `tmpfs size=${sizeBytes}`);
  }

  async bind(source: string, target: string, readOnly: boolean): Promise<void> {
    this.mounts.set(target, `bind ${source}${readOnly ? ' ro' : ''}`);
  }

  async unmount(dir: string): Promise<void> {
    if (!this.mounts.delete(dir)) throw new Error(`unmount ${dir}: not mounted`);
  }

  mountPointsUnder(dir: string): string[] {
    return [...this.mounts.keys()].filter((m) => m === dir || m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
  }
}
