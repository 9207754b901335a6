/**
 * The seam every volume plugin implements (upstream's VolumePlugin and
 * Mounter in pkg/volume/plugins.go, reduced to what a one-node kubelet
 * needs): whether it serves a pod volume, and SetUp, which makes the
 * volume's content ready on the host and says where it is.
 */
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/index.js';
import type { PodObjects } from '../pod-objects.js';
import type { Mounter } from './mounter.js';

export interface VolumeContext {
  pod: Pod;
  rootDir: string;
  podObjects: PodObjects;
  /** PersistentVolumeClaims, PersistentVolumes and service account tokens are read through it. */
  client?: RestClient;
  mounter: Mounter;
  /** The node's allocatable: cpu in millicores, memory and the rest in units (downward API fallbacks, tmpfs size). */
  allocatable: Readonly<Record<string, number>>;
  /** The node's IPs, primary first. */
  hostIPs: readonly string[];
}

/** A volume ready on the host. */
export interface MountedVolume {
  /** Host path the containers' mounts of this volume point at. */
  path: string;
  /** Upstream's MustMountRO: every container mount of it is read-only (configMap, secret, downwardAPI, projected, readOnly claims). */
  readOnly: boolean;
}

/**
 * Contract: setUp is idempotent and runs on every sync, so content
 * volumes pick up changes; it rejects with VolumeSetUpError (upstream's
 * message) when the volume cannot be made ready.
 */
export interface VolumePlugin {
  /** Upstream's plugin name, e.g. kubernetes.io/configmap. */
  readonly name: string;
  canSupport(volume: Volume): boolean;
  setUp(volume: Volume, ctx: VolumeContext): Promise<MountedVolume>;
}

/** The pod's fsGroup, if it sets one. */
export function fsGroupOf(pod: Pod): number | undefined {
  return pod.spec?.securityContext?.fsGroup;
}
