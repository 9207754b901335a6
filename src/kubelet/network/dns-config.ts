/**
 * The DNS settings of a pod's sandbox, which the CRI runtime writes into its
 * /etc/resolv.conf: upstream's dns.Configurer (pkg/kubelet/network/dns/dns.go,
 * GetPodDNS and CheckLimitsForResolvConf). Pure: the caller reads the host's
 * resolv.conf and records the returned warnings as Events.
 */
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { Pod, PodDNSConfigOption } from 'kubernetes-types/core/v1.js';
import type { DNSConfig } from '../runtime/cri/types.js';
import { formatPod } from '../pod-workers/container-helpers.js';

/** pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPaths and MaxDNSSearchListChars (ExpandedDNSConfig, GA in 1.28). */
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** utilvalidation.DNS1123SubdomainMaxLength: longer search paths are dropped (glibc aborts on them). */
const MAX_SEARCH_PATH_LENGTH = 253;
const DEFAULT_DNS_OPTIONS = ['ndots:5'];

/** The kubelet's flags: --cluster-dns, --cluster-domain, --resolv-conf ('' for none). */
export interface KubeletDnsOptions {
  clusterDNS: readonly string[];
  clusterDomain: string;
  resolvConf: string;
}

/**
 * The text of --resolv-conf, or undefined for ''. Throws naming the file when
 * it cannot be read: upstream's GetPodDNS fails then, and so does the sandbox.
 */
export function readHostResolvConf(path: string): string | undefined {
  if (path === '') return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the DNS resolver config --resolv-conf ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

export interface KubeletDnsSettings {
  /** --cluster-dns: the cluster DNS servers (empty: ClusterFirst pods fall back to Default). */
  clusterDNS: readonly string[];
  /** --cluster-domain ('' for none: no cluster search paths). */
  clusterDomain: string;
  /**
   * The text of the --resolv-conf file, or undefined when --resolv-conf is
   * "" (pods with Default then get `nameserver 127.0.0.1` / `::1` and `search .`).
   */
  hostResolvConf: string | undefined;
  /** The node's IPs; with --resolv-conf "" each IPv6 one gives ::1, each IPv4 one 127.0.0.1. @default none */
  nodeIPs?: readonly string[];
}

/** A Warning Event the kubelet records: on the pod, or (`onNode`) on its Node. */
export interface DnsWarning {
  reason: 'DNSConfigForming' | 'MissingClusterDNS' | 'CheckLimitsForResolvConf';
  message: string;
  onNode?: boolean;
}

export interface PodDnsResult {
  config: DNSConfig;
  warnings: DnsWarning[];
}

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/**
 * parseResolvConf: `nameserver` lines accumulate; the last `search` line wins
 * (trailing dots trimmed, `.` entries dropped); the last `options` line wins.
 * Lines starting with `#` are comments; a `nameserver` line without an
 * address is skipped.
 */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/).filter(Boolean);
    if (fields[0] === 'nameserver' && fields[1]) out.nameservers.push(fields[1]);
    else if (fields[0] === 'search') out.searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (fields[0] === 'options') out.options = fields.slice(1);
  }
  return out;
}

const omitDuplicates = (xs: readonly string[]): string[] => [...new Set(xs)];

/** mergeDNSOptions: by name, the pod's value winning; `name` or `name:value`. Upstream's order comes from a Go map; this one is first-seen. */
function mergeOptions(existing: readonly string[], pod: readonly PodDNSConfigOption[]): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i >= 0) byName.set(op.slice(0, i), op.slice(i + 1)); else byName.set(op, '');
  }
  for (const op of pod) if (op.name) byName.set(op.name, op.value ?? '');
  return [...byName].map(([k, v]) => (v ? `${k}:${v}` : k));
}

/** formDNSSearchFitsLimits: at most 32 paths, none over 253 characters, the line at most 2048 characters (cut from the end). */
function searchesFitLimits(searches: string[], warnings: DnsWarning[]): string[] {
  let exceeded = false;
  let s = searches;
  if (s.length > MAX_DNS_SEARCH_PATHS) { s = s.slice(0, MAX_DNS_SEARCH_PATHS); exceeded = true; }
  const short = s.filter((x) => x.length <= MAX_SEARCH_PATH_LENGTH);
  if (short.length !== s.length) exceeded = true;
  s = short;
  while (s.length > 0 && s.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) { s = s.slice(0, -1); exceeded = true; }
  if (exceeded) {
    warnings.push({ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${s.join(' ')}` });
  }
  return s;
}

function clusterSearches(pod: Pod, clusterDomain: string, hostSearches: string[]): string[] {
  if (!clusterDomain) return hostSearches;
  const ns = pod.metadata?.namespace ?? 'default';
  return omitDuplicates([`${ns}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...hostSearches]);
}

type PodDnsType = 'cluster' | 'host' | 'none';

/** getPodDNSType: ClusterFirst on hostNetwork behaves as Default; an unknown policy as ClusterFirst (the API server rejects it first). */
function podDnsType(pod: Pod): PodDnsType {
  switch (pod.spec?.dnsPolicy) {
    case 'None': return 'none';
    case 'ClusterFirstWithHostNet': return 'cluster';
    case 'Default': return 'host';
    default: return pod.spec?.hostNetwork ? 'host' : 'cluster';
  }
}

/**
 * GetPodDNS: the sandbox DNSConfig of `pod` by its dnsPolicy, with
 * spec.dnsConfig merged in and the resolver limits applied, and the Warning
 * Events upstream records while forming it (MissingClusterDNS on the node
 * and the pod, DNSConfigForming on the pod).
 */
export function podDnsConfig(pod: Pod, kubelet: KubeletDnsSettings): PodDnsResult {
  const warnings: DnsWarning[] = [];
  const host = kubelet.hostResolvConf !== undefined ? parseResolvConf(kubelet.hostResolvConf) : { nameservers: [], searches: [], options: [] };
  let servers = host.nameservers, searches = host.searches, options = host.options;
  let type = podDnsType(pod);
  if (type === 'none') {
    servers = []; searches = []; options = [];
  } else if (type === 'cluster') {
    if (kubelet.clusterDNS.length > 0) {
      servers = [...kubelet.clusterDNS];
      searches = clusterSearches(pod, kubelet.clusterDomain, searches);
      options = [...DEFAULT_DNS_OPTIONS];
    } else {
      const msg = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
      warnings.push({ reason: 'MissingClusterDNS', message: msg, onNode: true });
      warnings.push({ reason: 'MissingClusterDNS', message: `pod: "${formatPod(pod)}". ${msg}` });
      type = 'host';
    }
  }
  if (type === 'host' && kubelet.hostResolvConf === undefined) {
    servers = (kubelet.nodeIPs ?? []).map((ip) => (isIPv6(ip) ? '::1' : '127.0.0.1'));
    if (servers.length === 0) servers = ['127.0.0.1'];
    searches = ['.'];
  }
  const dc = pod.spec?.dnsConfig;
  if (dc) {
    servers = omitDuplicates([...servers, ...(dc.nameservers ?? [])]);
    searches = omitDuplicates([...searches, ...(dc.searches ?? [])]);
    options = mergeOptions(options, dc.options ?? []);
  }
  if (servers.length > MAX_DNS_NAMESERVERS) {
    servers = servers.slice(0, MAX_DNS_NAMESERVERS);
    warnings.push({ reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(' ')}` });
  }
  searches = searchesFitLimits(searches, warnings);
  return { config: { servers, searches, options }, warnings };
}

/**
 * CheckLimitsForResolvConf: the node Warning (if any) about the host file's
 * search line: too many domains (32, less 3 for the cluster's when a cluster
 * domain is set), a path over 253 characters, a line over 2048.
 */
export function checkResolvConfLimits(path: string, text: string, clusterDomain: string): DnsWarning | undefined {
  const { searches } = parseResolvConf(text);
  const limit = MAX_DNS_SEARCH_PATHS - (clusterDomain ? 3 : 0);
  const warn = (message: string): DnsWarning => ({ reason: 'CheckLimitsForResolvConf', message, onNode: true });
  if (searches.length > limit) return warn(`Resolv.conf file '${path}' contains search line consisting of more than ${limit} domains!`);
  if (searches.some((s) => s.length > MAX_SEARCH_PATH_LENGTH)) return warn(`Resolv.conf file ${JSON.stringify(path)} contains a search path which length is more than allowed ${MAX_SEARCH_PATH_LENGTH} chars!`);
  if (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) return warn(`Resolv.conf file '${path}' contains search line which length is more than allowed ${MAX_DNS_SEARCH_LIST_CHARS} chars!`);
  return undefined;
}
