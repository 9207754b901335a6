/**
 * The kubelet-managed /etc/hosts (upstream's kubelet_pods.go
 * managedHostsFileContent and nodeHostsFileContent): written to
 * `<podDir>/etc-hosts` (0644) and mounted at /etc/hosts in every container
 * that does not mount something else there.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostAlias, Pod } from 'kubernetes-types/core/v1.js';

export const ETC_HOSTS_PATH = '/etc/hosts';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** Upstream's hostname and domain of a pod: spec.hostname or the name cut to 63, and `<subdomain>.<ns>.svc.<domain>`. */
export function podHostnameAndDomain(pod: Pod, clusterDomain = DEFAULT_CLUSTER_DOMAIN): { hostname: string; domain: string } {
  let hostname = pod.spec?.hostname || (pod.metadata?.name ?? '');
  if (hostname.length > 63) hostname = hostname.slice(0, 63).replace(/[-.]+$/, '');
  const sub = pod.spec?.subdomain;
  return { hostname, domain: sub ? `${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : '' };
}

export function managedHostsFileContent(podIPs: readonly string[], hostname: string, domain: string, hostAliases: readonly HostAlias[] = []): string {
  let out = '# Kubernetes-managed hosts file.\n'
    + '127.0.0.1\tlocalhost\n'
    + '::1\tlocalhost ip6-localhost ip6-loopback\n'
    + 'fe00::0\tip6-localnet\n'
    + 'fe00::0\tip6-mcastprefix\n'
    + 'fe00::1\tip6-allnodes\n'
    + 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasEntries(hostAliases);
}

/** A host-network pod sees the node's hosts file plus its aliases. */
export function nodeHostsFileContent(nodeHosts: string, hostAliases: readonly HostAlias[] = []): string {
  return `# Kubernetes-managed hosts file (host network).\n${nodeHosts}${hostAliasEntries(hostAliases)}`;
}

function hostAliasEntries(aliases: readonly HostAlias[]): string {
  if (aliases.length === 0) return '';
  return '\n# Entries added by HostAliases.\n' + aliases.map((a) => `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`).join('');
}

/**
 * Writes the pod's hosts file into `podDirPath` and returns its path;
 * undefined when upstream would not manage it (no pod IP and not host network).
 */
export function writeEtcHosts(podDirPath: string, pod: Pod, podIPs: readonly string[], nodeHostsFile = '/etc/hosts'): string | undefined {
  const hostNetwork = pod.spec?.hostNetwork === true;
  if (!hostNetwork && podIPs.length === 0) return undefined;
  const aliases = pod.spec?.hostAliases ?? [];
  let content: string;
  if (hostNetwork) {
    content = nodeHostsFileContent(readFileSync(nodeHostsFile, 'utf8'), aliases);
  } else {
    const { hostname, domain } = podHostnameAndDomain(pod);
    content = managedHostsFileContent(podIPs, hostname, domain, aliases);
  }
  mkdirSync(podDirPath, { recursive: true, mode: 0o750 });
  const file = join(podDirPath, 'etc-hosts');
  writeFileSync(file, content, { mode: 0o644 });
  return file;
}
