/**
 * Static pods from a manifest directory, or one manifest file (upstream's
 * pkg/kubelet/config/file.go, --pod-manifest-path): every regular file whose
 * name does not start with '.' holds one pod. A missing path holds no pods.
 * A file that fails to decode is left out and its error logged once (until
 * it changes), as upstream's listing skips it. fs.watch makes changes show
 * up at once; the kubelet also polls (upstream: every 20 s).
 */
import { statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { decodeManifest } from './decode-manifest.js';
import type { ManifestSource } from './manifest-source.js';

export interface FileSourceOptions {
  nodeName: string;
  logger: Logger;
}

export class FileSource implements ManifestSource {
  readonly kind = 'file' as const;
  private readonly errors = new Map<string, string>();
  private watcher: FSWatcher | undefined;
  private changed: (() => void) | undefined;

  constructor(readonly location: string, private readonly o: FileSourceOptions) {}

  async read(): Promise<Pod[]> {
    this.startWatcher();
    const info = await stat(this.location).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!info) return [];
    if (!info.isDirectory()) return this.readManifest(this.location);
    const names = (await readdir(this.location, { withFileTypes: true }))
      .filter((d) => !d.name.startsWith('.') && (d.isFile() || d.isSymbolicLink()))
      .map((d) => d.name)
      .sort();
    const seen = new Set(names.map((n) => join(this.location, n)));
    for (const path of this.errors.keys()) if (!seen.has(path)) this.errors.delete(path);
    const pods: Pod[] = [];
    for (const name of names) pods.push(...await this.readManifest(join(this.location, name)));
    return pods;
  }

  watch(changed: () => void): () => void {
    this.changed = changed;
    this.startWatcher();
    return () => {
      this.changed = undefined;
      this.watcher?.close();
      this.watcher = undefined;
    };
  }

  private async readManifest(path: string): Promise<Pod[]> {
    let data: string;
    try {
      const info = await stat(path);
      if (!info.isFile()) return [];
      data = await readFile(path, 'utf8');
    } catch (e) {
      // Gone between the listing and the read: it holds no pod now.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.report(path, e);
      return [];
    }
    try {
      const pods = decodeManifest(data, { nodeName: this.o.nodeName, kind: 'file', source: path });
      this.errors.delete(path);
      return pods;
    } catch (e) {
      this.report(path, e);
      return [];
    }
  }

  private report(path: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (this.errors.get(path) === message) return;
    this.errors.set(path, message);
    this.o.logger.error({ path, err: message }, 'could not process manifest file; it is ignored');
  }

  /**
   * Watches the directory, or for one file the directory that holds it (a
   * file replaced by a rename is a new inode, which a watch of the file
   * would miss). Without the directory there is nothing to watch: a later
   * read tries again.
   */
  private startWatcher(): void {
    if (this.watcher || !this.changed) return;
    try {
      const isDir = statSync(this.location, { throwIfNoEntry: false })?.isDirectory() ?? false;
      const file = isDir ? undefined : basename(this.location);
      const w = fsWatch(isDir ? this.location : dirname(this.location), { persistent: false });
      w.on('change', (_event, name) => {
        if (file === undefined || name === null || String(name) === file) this.changed?.();
      });
      w.on('error', () => {
        w.close();
        if (this.watcher === w) this.watcher = undefined;
        this.changed?.();
      });
      this.watcher = w;
    } catch {
      // The path does not exist yet: polling notices when it does.
    }
  }
}
