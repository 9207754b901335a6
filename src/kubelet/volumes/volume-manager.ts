/**
 * The kubelet's volume manager (upstream's pkg/kubelet/volumemanager,
 * reduced to one node and no attach): sets up every volume of a pod under
 * `<rootDir>/pods/<uid>` before its containers start, again on every sync
 * so that configMap, secret, downwardAPI and projected content follows the
 * API, and tears the pod dir down (unmount, then remove) once the pod's
 * sandboxes are gone.
 */
import { readdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/index.js';
import type { PodObjects } from '../pod-objects.js';
import { SystemMounter, type Mounter } from './mounter.js';
import { podDir } from './paths.js';
import { VolumeSetUpError } from './volume-error.js';
import type { MountedVolume, VolumeContext, VolumePlugin } from './volume-plugin.js';
import { emptyDirPlugin } from './empty-dir.js';
import { hostPathPlugin } from './host-path.js';
import { configMapPlugin } from './config-map.js';
import { secretPlugin } from './secret.js';
import { downwardAPIPlugin } from './downward-api-volume.js';
import { projectedPlugin } from './projected.js';
import { persistentVolumeClaimPlugin } from './persistent-volume-claim.js';
import { writeEtcHosts } from './etc-hosts.js';

export const VOLUME_PLUGINS: readonly VolumePlugin[] = [
  emptyDirPlugin, hostPathPlugin, configMapPlugin, secretPlugin, downwardAPIPlugin, projectedPlugin, persistentVolumeClaimPlugin,
];

export interface VolumeManagerOptions {
  rootDir: string;
  podObjects: PodObjects;
  /** For claims, persistent volumes and service account tokens. */
  client?: RestClient;
  /** @default mount(8) */
  mounter?: Mounter;
  /** @default the node's CPUs (millicores) and memory */
  allocatable?: Readonly<Record<string, number>>;
  /** @default none */
  hostIPs?: () => readonly string[];
}

/** The result of setting up a pod's volumes: the ready ones by name, and one error per volume that is not. */
export interface PodVolumes {
  podDir: string;
  volumes: Map<string, MountedVolume>;
  errors: VolumeSetUpError[];
}

export class VolumeManager {
  private readonly mounter: Mounter;
  private readonly allocatable: Readonly<Record<string, number>>;

  constructor(private readonly o: VolumeManagerOptions) {
    this.mounter = o.mounter ?? new SystemMounter();
    this.allocatable = o.allocatable ?? { cpu: cpus().length * 1000, memory: totalmem() };
  }

  podDir(uid: string): string {
    return podDir(this.o.rootDir, uid);
  }

  /**
   * Sets up every volume of `pod`; never rejects for one volume: its
   * failure (any error, as upstream's message) is in `errors`, and the
   * other volumes are still set up.
   */
  async setUp(pod: Pod): Promise<PodVolumes> {
    const dir = this.podDir(pod.metadata?.uid ?? '');
    const ctx: VolumeContext = {
      pod, rootDir: this.o.rootDir, podObjects: this.o.podObjects, mounter: this.mounter, allocatable: this.allocatable,
      hostIPs: this.o.hostIPs?.() ?? [], ...(this.o.client ? { client: this.o.client } : {}),
    };
    const volumes = new Map<string, MountedVolume>();
    const errors: VolumeSetUpError[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      try {
        volumes.set(v.name, await setUpVolume(v, ctx));
      } catch (e) {
        errors.push(e instanceof VolumeSetUpError ? e : new VolumeSetUpError(v.name, e instanceof Error ? e.message : String(e)));
      }
    }
    return { podDir: dir, volumes, errors };
  }

  /** Writes the pod's managed /etc/hosts; undefined when it has none (no IP yet, not host network). */
  etcHosts(pod: Pod, podIPs: readonly string[]): string | undefined {
    return writeEtcHosts(this.podDir(pod.metadata?.uid ?? ''), pod, podIPs);
  }

  /**
   * Unmounts everything below the pod dir, deepest first, then removes it.
   * Removes nothing while a mount remains (that would delete a volume's
   * source through it): rejects instead, and a later call tries again.
   */
  async tearDown(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    for (const m of this.mounter.mountPointsUnder(dir)) await this.mounter.unmount(m);
    const left = this.mounter.mountPointsUnder(dir);
    if (left.length > 0) throw new Error(`pod dir ${dir} still has mounts: ${left.join(', ')}`);
    rmSync(dir, { recursive: true, force: true });
  }

  /**
   * Tears down the dirs of pods `isActive` no longer names; one that
   * cannot be torn down does not stop the others, and the call then
   * rejects naming it. The dirs are
   * listed before asking, so a pod whose dir appears meanwhile (its sync
   * saw it in the store first) is never taken for an orphan.
   */
  async removeOrphanedPodDirs(isActive: (uid: string) => boolean): Promise<string[]> {
    let uids: string[];
    try {
      uids = readdirSync(join(this.o.rootDir, 'pods'));
    } catch {
      return [];
    }
    const removed: string[] = [];
    const failed: string[] = [];
    for (const uid of uids) {
      if (isActive(uid)) continue;
      try {
        await this.tearDown(uid);
        removed.push(uid);
      } catch (e) {
        failed.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (failed.length > 0) throw new Error(`orphaned pod dirs not removed (removed ${removed.length}): ${failed.join('; ')}`);
    return removed;
  }
}

function setUpVolume(v: Volume, ctx: VolumeContext): Promise<MountedVolume> {
  const plugin = VOLUME_PLUGINS.find((p) => p.canSupport(v));
  if (!plugin) {
    const kind = Object.keys(v).filter((k) => k !== 'name').join(', ') || 'none';
    return Promise.reject(new VolumeSetUpError(v.name, `volume type ${kind} is not supported by this kubelet`));
  }
  return plugin.setUp(v, ctx);
}
