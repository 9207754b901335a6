/**
 * Security contexts for the CRI (upstream's pkg/securitycontext/util.go
 * DetermineEffectiveSecurityContext and AddNoNewPrivileges,
 * pkg/kubelet/kuberuntime/security_context.go and
 * security_context_others.go verifyRunAsNonRoot, and the sandbox part of
 * kuberuntime_sandbox.go generatePodSandboxLinuxConfig).
 */
import type { Container, Pod, SecurityContext } from 'kubernetes-types/core/v1.js';
import type { LinuxContainerSecurityContext, LinuxSandboxSecurityContext, NamespaceOption, SecurityProfile } from '../runtime/cri/types.js';
import { formatPod } from '../pod-workers/container-helpers.js';
import { ContainerConfigError } from './env.js';

/** The namespaces of the pod's sandbox and containers (hostNetwork, hostPID, hostIPC, shareProcessNamespace). */
export function namespaceOptionsOf(pod: Pod): NamespaceOption {
  const spec = pod.spec ?? { containers: [] };
  return {
    network: spec.hostNetwork ? 'NODE' : 'POD',
    pid: spec.hostPID ? 'NODE' : spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: spec.hostIPC ? 'NODE' : 'POD',
  };
}

/**
 * The container's seccomp profile: Unconfined unless its (or the pod's)
 * seccompProfile says otherwise (upstream's getSeccompProfile without
 * SeccompDefault); Localhost profiles live under <rootDir>/seccomp.
 */
function seccompOf(sc: SecurityContext, rootDir: string): SecurityProfile {
  const p = sc.seccompProfile;
  if (p?.type === 'RuntimeDefault') return { profileType: 'RuntimeDefault' };
  if (p?.type === 'Localhost') return { profileType: 'Localhost', localhostRef: `${rootDir}/seccomp/${p.localhostProfile ?? ''}` };
  return { profileType: 'Unconfined' };
}

/** The user an image runs as, from ImageStatus: a numeric uid, else a user name; neither means root. */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/** Upstream's defaultMaskedPaths and defaultReadonlyPaths (procMount Default). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The container's securityContext with the pod's user, group, runAsNonRoot, SELinux and seccomp filling what it leaves unset. */
export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const p = pod.spec?.securityContext ?? {};
  const c = container.securityContext ?? {};
  const out: SecurityContext = { ...c };
  if (out.runAsUser === undefined && p.runAsUser !== undefined) out.runAsUser = p.runAsUser;
  if (out.runAsGroup === undefined && p.runAsGroup !== undefined) out.runAsGroup = p.runAsGroup;
  if (out.runAsNonRoot === undefined && p.runAsNonRoot !== undefined) out.runAsNonRoot = p.runAsNonRoot;
  if (out.seLinuxOptions === undefined && p.seLinuxOptions !== undefined) out.seLinuxOptions = p.seLinuxOptions;
  if (out.seccompProfile === undefined && p.seccompProfile !== undefined) out.seccompProfile = p.seccompProfile;
  return out;
}

/**
 * Refuses a container with runAsNonRoot that would run as root: runAsUser
 * 0, or no runAsUser and an image whose user is uid 0, unknown (root), or a
 * name (it cannot be checked). Throws ContainerConfigError with upstream's
 * messages.
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, image: ImageUser): void {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return;
  const who = `(pod: "${formatPod(pod)}", container: ${container.name})`;
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy ${who}`);
    return;
  }
  const uid = image.uid ?? (image.username ? undefined : 0);
  if (uid === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root ${who}`);
  if (uid === undefined) {
    throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${image.username ?? ''}), cannot verify user is non-root ${who}`);
  }
}

/** fsGroup, then supplementalGroups of the pod: the groups every container and the sandbox join. */
function podSupplementalGroups(pod: Pod): number[] {
  const p = pod.spec?.securityContext;
  return [...(p?.fsGroup !== undefined ? [p.fsGroup] : []), ...(p?.supplementalGroups ?? [])];
}

/**
 * The CRI security context of a container: capabilities, privileged,
 * read-only root, the effective user and group (the image's uid or user
 * name when no runAsUser is set), the pod's namespaces, fsGroup and
 * supplementalGroups, no_new_privs when allowPrivilegeEscalation is false,
 * the seccomp profile, and the default masked and read-only /proc paths
 * unless procMount is Unmasked.
 */
export function linuxContainerSecurityContext(pod: Pod, container: Container, image: ImageUser, rootDir = '/var/lib/kubelet'): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const out: LinuxContainerSecurityContext = { namespaceOptions: namespaceOptionsOf(pod), seccomp: seccompOf(sc, rootDir) };
  const caps = sc.capabilities;
  if (caps?.add?.length || caps?.drop?.length) {
    out.capabilities = { ...(caps.add?.length ? { addCapabilities: [...caps.add] } : {}), ...(caps.drop?.length ? { dropCapabilities: [...caps.drop] } : {}) };
  }
  if (sc.privileged) out.privileged = true;
  if (sc.readOnlyRootFilesystem) out.readonlyRootfs = true;
  if (sc.runAsUser !== undefined) out.runAsUser = { value: sc.runAsUser };
  else if (image.uid !== undefined) out.runAsUser = { value: image.uid };
  else if (image.username) out.runAsUsername = image.username;
  if (sc.runAsGroup !== undefined) out.runAsGroup = { value: sc.runAsGroup };
  const groups = podSupplementalGroups(pod);
  if (groups.length) out.supplementalGroups = groups;
  if (sc.allowPrivilegeEscalation === false) out.noNewPrivs = true;
  if (sc.seLinuxOptions) out.selinuxOptions = { ...sc.seLinuxOptions };
  if (sc.procMount !== 'Unmasked') {
    out.maskedPaths = [...DEFAULT_MASKED_PATHS];
    out.readonlyPaths = [...DEFAULT_READONLY_PATHS];
  }
  return out;
}

/** Whether any container of the pod is privileged: the sandbox must be too for the runtime to allow it. */
export function hasPrivilegedContainer(pod: Pod): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  return all.some((c) => c.securityContext?.privileged === true);
}

/**
 * The sandbox's security context: the pod's namespaces, privileged when a
 * container is, the runtime's default seccomp profile, the pod's user and
 * group, fsGroup and supplementalGroups.
 */
export function linuxSandboxSecurityContext(pod: Pod): LinuxSandboxSecurityContext {
  const p = pod.spec?.securityContext;
  const groups = podSupplementalGroups(pod);
  return {
    namespaceOptions: namespaceOptionsOf(pod),
    ...(hasPrivilegedContainer(pod) ? { privileged: true } : {}),
    seccomp: { profileType: 'RuntimeDefault' },
    ...(p?.runAsUser !== undefined ? { runAsUser: { value: p.runAsUser } } : {}),
    ...(p?.runAsGroup !== undefined ? { runAsGroup: { value: p.runAsGroup } } : {}),
    ...(groups.length ? { supplementalGroups: groups } : {}),
    ...(p?.seLinuxOptions ? { selinuxOptions: { ...p.seLinuxOptions } } : {}),
  };
}

/** The pod's sysctls for the sandbox. */
export function podSysctls(pod: Pod): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of pod.spec?.securityContext?.sysctls ?? []) out[s.name] = s.value;
  return out;
}
