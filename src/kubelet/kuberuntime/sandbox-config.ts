/**
 * The PodSandboxConfig of a pod (upstream's generatePodSandboxConfig in
 * pkg/kubelet/kuberuntime/kuberuntime_sandbox.go). Pure.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { join } from 'node:path';
import type { DNSConfig, LinuxPodSandboxConfig, PodSandboxConfig, PortMapping, Protocol } from '../runtime/cri/types.js';
import { POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL } from '../pod-workers/labels.js';
import { linuxSandboxSecurityContext, podSysctls } from './security-context.js';
import { podCgroupParent } from './pod-cgroups.js';

/** Upstream's PodLogsDir default. */
export const DEFAULT_POD_LOGS_DIR = '/var/log/pods';

/** `<podLogsDir>/<namespace>_<name>_<uid>`: the sandbox's log_directory. */
export function podLogsDirectory(pod: Pod, podLogsDir = DEFAULT_POD_LOGS_DIR): string {
  const m = pod.metadata ?? {};
  return join(podLogsDir, `${m.namespace ?? 'default'}_${m.name ?? ''}_${m.uid ?? ''}`);
}

export { namespaceOptionsOf } from './security-context.js';

/** Every declared containerPort, host_port 0 included (containerd hands only host_port > 0 to CNI). */
function portMappingsOf(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      out.push({
        protocol: (p.protocol ?? 'TCP') as Protocol,
        containerPort: p.containerPort,
        ...(p.hostPort ? { hostPort: p.hostPort } : {}),
        ...(p.hostIP ? { hostIp: p.hostIP } : {}),
      });
    }
  }
  return out;
}

/** Upstream's hostname: spec.hostname, else the pod name cut to 63 characters without a trailing '-' or '.'. */
function hostnameOf(pod: Pod): string {
  if (pod.spec?.hostname) return pod.spec.hostname;
  return (pod.metadata?.name ?? '').slice(0, 63).replace(/[-.]+$/, '');
}

export interface SandboxConfigOptions {
  /** @default DEFAULT_POD_LOGS_DIR */
  podLogsDir?: string;
}

/**
 * The sandbox config for attempt `attempt` of `pod`: metadata, hostname,
 * log directory, pod labels plus the kubelet's, the pod's annotations,
 * port mappings, and the linux part: the pod's cgroup parent by QoS class,
 * its sysctls and the sandbox security context; `dnsConfig` (podDnsConfig of
 * network/dns-config) when given.
 */
export function podSandboxConfig(pod: Pod, attempt: number, opts: SandboxConfigOptions = {}, dnsConfig?: DNSConfig): PodSandboxConfig {
  const m = pod.metadata ?? {};
  const ports = portMappingsOf(pod);
  return {
    metadata: { name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? 'default', attempt },
    ...(pod.spec?.hostNetwork ? {} : { hostname: hostnameOf(pod) }),
    ...(dnsConfig ? { dnsConfig } : {}),
    logDirectory: podLogsDirectory(pod, opts.podLogsDir),
    ...(ports.length ? { portMappings: ports } : {}),
    labels: { ...(m.labels ?? {}), [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? 'default', [POD_UID_LABEL]: m.uid ?? '' },
    annotations: { ...(m.annotations ?? {}) },
    linux: linuxPodSandboxConfig(pod),
  };
}

function linuxPodSandboxConfig(pod: Pod): LinuxPodSandboxConfig {
  const sysctls = podSysctls(pod);
  return {
    cgroupParent: podCgroupParent(pod),
    securityContext: linuxSandboxSecurityContext(pod),
    ...(Object.keys(sysctls).length ? { sysctls } : {}),
  };
}
