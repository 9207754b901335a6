/**
 * The node's half of local-path storage: removes the directory of a deleted
 * local-path PersistentVolume pinned to this node, then lets the PV go.
 *
 * The provisioner (controller manager) puts the finalizer
 * k8ts.io/local-path-cleanup on every PV it makes; once such a PV is
 * deleted, the agent of the node its nodeAffinity names runs `rm -rf` on its
 * hostPath and removes the finalizer. A path that is not strictly inside this
 * node's storage dir (lexically, and after resolving symlinks of its parent)
 * is refused: the PV keeps its finalizer and a Warning Event says why, since
 * removing it would be the wrong directory, and the finalizer is the only
 * thing that makes an administrator look.
 *
 * At start the cleaner also records the storage dir on its Node (annotation
 * k8ts.io/local-path-storage-dir), which is where the provisioner puts new
 * volumes for this node.
 */
import { realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Node, PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { deepClone } from '../api/object.js';
import {
  ANN_LOCAL_PATH_STORAGE_DIR, HOSTNAME_LABEL, LOCAL_PATH_CLEANUP_FINALIZER, awaitsLocalPathCleanup, volumeHostnames,
} from '../api/volume-binding/local-path.js';
import { EventRecorder, Informer, RESOURCES, WorkQueue, objectKey, startController, type RestClient, type RunningController } from '../client/index.js';

export interface LocalPathCleanerOptions {
  client: RestClient;
  /** For the PersistentVolume watch. @default client */
  informerClient?: RestClient;
  /**
   * This node: the PVs whose nodeAffinity names it (kubernetes.io/hostname In [...], with the node's
   * hostname label, which may differ from its name, or its name) are its to clean.
   */
  nodeName: string;
  /** Absolute: the only directory under which anything is removed. */
  storageDir: string;
  logger: Logger;
}

/** Whether `path` lies strictly inside `dir` (never `dir` itself), by path names alone. */
export function isStrictlyInside(dir: string, path: string): boolean {
  if (!isAbsolute(dir) || !isAbsolute(path)) return false;
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

const errno = (e: unknown): string | undefined => (e as { code?: string }).code;

export class LocalPathCleaner {
  private readonly informer: Informer<PersistentVolume>;
  private readonly queue = new WorkQueue<string>({ name: 'local-path-cleaner', metrics: false });
  private readonly recorder: EventRecorder;
  private running?: RunningController;
  private stopped = false;
  private annotateTimer?: NodeJS.Timeout;
  /** The Node's kubernetes.io/hostname label, once read. */
  private hostname?: string;

  constructor(private readonly o: LocalPathCleanerOptions) {
    if (!isAbsolute(o.storageDir)) throw new Error(`local-path storage dir must be absolute, got ${JSON.stringify(o.storageDir)}`);
    this.informer = new Informer<PersistentVolume>(o.informerClient ?? o.client, RESOURCES.persistentvolumes, { logger: o.logger });
    this.recorder = new EventRecorder({ client: o.client, component: 'local-path-cleaner', host: o.nodeName, logger: o.logger });
    const enqueue = (pv: PersistentVolume): void => { if (this.mine(pv)) this.queue.add(objectKey(pv)); };
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, pv) => enqueue(pv) });
  }

  start(): void {
    this.informer.start();
    this.running = startController({
      name: 'local-path-cleaner', queue: this.queue, informers: [this.informer], workers: 1,
      sync: (key) => this.sync(key), logger: this.o.logger,
    });
    void this.annotateNode();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.annotateTimer) clearTimeout(this.annotateTimer);
    this.queue.shutDown();
    await this.running?.stop();
    await this.informer.stop();
  }

  private mine(pv: PersistentVolume): boolean {
    if (!awaitsLocalPathCleanup(pv)) return false;
    const hosts = volumeHostnames(pv);
    return hosts.includes(this.o.nodeName) || (this.hostname !== undefined && hosts.includes(this.hostname));
  }

  /**
   * Records the storage dir on the Node and learns its hostname label;
   * retried until the Node exists (the node status manager registers it).
   */
  private async annotateNode(): Promise<void> {
    if (this.stopped) return;
    try {
      const node = await this.o.client.patch<Node>(RESOURCES.nodes, this.o.nodeName, { metadata: { annotations: { [ANN_LOCAL_PATH_STORAGE_DIR]: this.o.storageDir } } });
      this.hostname = node.metadata?.labels?.[HOSTNAME_LABEL];
      for (const pv of this.informer.store.list()) if (this.mine(pv)) this.queue.add(objectKey(pv));
    } catch (e) {
      if (this.stopped) return;
      this.o.logger.debug({ err: e instanceof Error ? e.message : String(e) }, 'annotating the node with its local-path storage dir; retrying');
      this.annotateTimer = setTimeout(() => { void this.annotateNode(); }, 2000);
      this.annotateTimer.unref();
    }
  }

  /** Removes the PV's directory if it is safely inside the storage dir, then its finalizer. */
  async sync(name: string): Promise<void> {
    const pv = this.informer.store.get(name);
    if (!pv || !this.mine(pv)) return;
    const path = pv.spec?.hostPath?.path;
    const refusal = path ? await this.refusal(path) : 'the volume has no hostPath';
    if (refusal) {
      this.o.logger.warn({ volume: name, path }, `not removing the volume's directory: ${refusal}`);
      this.recorder.event({ apiVersion: 'v1', kind: 'PersistentVolume', ...pv }, 'Warning', 'VolumeFailedDelete',
        `local-path cleanup refused: ${refusal}`);
      return;
    }
    await rm(path!, { recursive: true, force: true });
    this.o.logger.info({ volume: name, path }, 'removed local-path volume directory');
    const next = deepClone(pv);
    next.metadata!.finalizers = (next.metadata!.finalizers ?? []).filter((f) => f !== LOCAL_PATH_CLEANUP_FINALIZER);
    try {
      await this.o.client.update(RESOURCES.persistentvolumes, next);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }

  /** Why `path` must not be removed; undefined when it lies inside the storage dir, symlinks resolved. */
  private async refusal(path: string): Promise<string | undefined> {
    const dir = this.o.storageDir;
    if (!isStrictlyInside(dir, path)) return `path ${JSON.stringify(path)} is not inside the storage dir ${JSON.stringify(dir)}`;
    let realDir: string;
    let realParent: string;
    try {
      realDir = await realpath(dir);
      realParent = await realpath(dirname(resolve(path)));
    } catch (e) {
      // No storage dir or no parent: nothing of the volume is left on disk.
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
    if (realParent !== realDir && !isStrictlyInside(realDir, realParent)) {
      return `path ${JSON.stringify(path)} leads out of the storage dir ${JSON.stringify(dir)} through a symlink`;
    }
    return undefined;
  }
}
