/**
 * A container's CRI mounts (upstream's makeMounts in kubelet_pods.go): one
 * per volumeMount, at its mountPath, from the volume's host path joined
 * with subPath (or subPathExpr expanded), read-only when the mount or the
 * volume says so, with the mount's propagation; then the managed
 * /etc/hosts unless the container mounts something there, then the
 * termination message file. SELinux relabelling is off.
 */
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import type { Container, Pod, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { Mount, MountPropagation } from '../runtime/cri/types.js';
import { ContainerConfigError, expandVars } from '../kuberuntime/env.js';
import { DownwardApiError, fieldRefValue } from '../downward-api.js';
import type { MountedVolume } from './volume-plugin.js';
import { ETC_HOSTS_PATH } from './etc-hosts.js';

export interface ContainerMountInputs {
  /** The pod's volumes, set up, by volume name. */
  volumes: ReadonlyMap<string, MountedVolume>;
  /** The pod's managed hosts file, if there is one. */
  etcHostsPath?: string;
  /** For subPathExpr of fieldRef variables. */
  hostIPs?: readonly string[];
  podIPs?: readonly string[];
}

const PROPAGATION: Record<string, MountPropagation> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

/** Throws ContainerConfigError (a CreateContainerConfigError) for a mount that cannot be made. */
export function containerMounts(pod: Pod, container: Container, inputs: ContainerMountInputs): Mount[] {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const vol = inputs.volumes.get(m.name);
    if (!vol) throw new ContainerConfigError(`cannot find volume ${JSON.stringify(m.name)} to mount into container ${JSON.stringify(container.name)}`);
    const propagation = PROPAGATION[m.mountPropagation ?? 'None'];
    if (!propagation) throw new ContainerConfigError(`invalid mountPropagation ${JSON.stringify(m.mountPropagation)} of volume ${JSON.stringify(m.name)}`);
    const sub = subPathOf(pod, container, m, inputs);
    mounts.push({
      containerPath: m.mountPath,
      hostPath: sub ? subPathHostPath(vol.path, sub, m.name) : vol.path,
      readonly: m.readOnly === true || vol.readOnly,
      selinuxRelabel: false,
      propagation,
    });
  }
  const mountsEtcHosts = (container.volumeMounts ?? []).some((m) => m.mountPath === ETC_HOSTS_PATH);
  if (inputs.etcHostsPath && !mountsEtcHosts) {
    mounts.push({ containerPath: ETC_HOSTS_PATH, hostPath: inputs.etcHostsPath, readonly: false, selinuxRelabel: false, propagation: 'PROPAGATION_PRIVATE' });
  }
  return mounts;
}

/** subPath, or subPathExpr with $(VAR) from the container's env values and fieldRefs. */
function subPathOf(pod: Pod, c: Container, m: VolumeMount, inputs: ContainerMountInputs): string {
  if (!m.subPathExpr) return m.subPath ?? '';
  const vars = new Map<string, string>();
  for (const e of c.env ?? []) {
    if (e.value !== undefined) vars.set(e.name, expandVars(e.value, (n) => vars.get(n)));
    else if (e.valueFrom?.fieldRef) {
      try {
        vars.set(e.name, fieldRefValue(pod, e.valueFrom.fieldRef.fieldPath, { podIPs: inputs.podIPs ?? [], hostIPs: inputs.hostIPs ?? [] }));
      } catch (err) {
        if (!(err instanceof DownwardApiError)) throw err;
      }
    }
  }
  return expandVars(m.subPathExpr, (n) => vars.get(n));
}

/**
 * The host path of a subPath: must stay inside the volume (no "..",
 * not absolute, no symlink out of it, as upstream's subpath checks); a
 * missing one is made with the volume dir's mode, as upstream's SafeMakeDir.
 */
function subPathHostPath(volumePath: string, sub: string, volumeName: string): string {
  if (isAbsolute(sub) || sub.split('/').includes('..')) {
    throw new ContainerConfigError(`subPath ${JSON.stringify(sub)} of volume ${JSON.stringify(volumeName)} must be a relative path without '..'`);
  }
  const hostPath = join(volumePath, sub);
  if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true, mode: statSync(volumePath).mode & 0o7777 });
  const base = realpathSync(volumePath);
  const real = realpathSync(hostPath);
  const rel = relative(base, real);
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
    throw new ContainerConfigError(`subPath ${JSON.stringify(sub)} of volume ${JSON.stringify(volumeName)} points outside the volume`);
  }
  return hostPath;
}
