/**
 * The flags of a node that `k8ts agent` and `k8ts server` (for its own node)
 * share, and their checks.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { isNodeName } from '../apiserver/pki/index.js';
import { DEFAULT_CONTAINER_LOGS_DIR, DEFAULT_KUBELET_PORT, checkManifestUrl, parseManifestUrlHeaders } from '../kubelet/index.js';
import { parseQuantity } from '../api/validation/quantity.js';
import { FLANNEL_BACKENDS, type FlannelBackend } from '../flannel/index.js';
import { parseDuration, port } from './flags.js';
import { UsageError } from './usage-error.js';

/** An example for messages: the first /24 of k3s's cluster-cidr 10.42.0.0/16. */
export const DEFAULT_POD_CIDR = '10.42.0.0/24';
/** The kube-dns Service's address: the tenth of k3s's service range 10.43.0.0/16. */
export const DEFAULT_CLUSTER_DNS = '10.43.0.10';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';

export const NODE_FLAGS = {
  'node-name': { type: 'string' },
  'node-ip': { type: 'string' },
  'run-dir': { type: 'string' },
  'container-runtime-endpoint': { type: 'string' },
  'pod-cidr': { type: 'string' },
  'cni-bridge': { type: 'string' },
  'pod-logs-dir': { type: 'string' },
  'stream-server-port': { type: 'string' },
  'streaming-connection-idle-timeout': { type: 'string' },
  'pod-manifest-path': { type: 'string' },
  'manifest-url': { type: 'string' },
  'manifest-url-header': { type: 'string', multiple: true },
  'kubelet-port': { type: 'string' },
  'client-ca-file': { type: 'string' },
  'container-log-max-size': { type: 'string' },
  'container-log-max-files': { type: 'string' },
  'container-log-monitor-interval': { type: 'string' },
  'container-logs-dir': { type: 'string' },
  'image-gc-high-threshold': { type: 'string' },
  'image-gc-low-threshold': { type: 'string' },
  'container-gc-period': { type: 'string' },
  'image-gc-period': { type: 'string' },
  'cluster-dns': { type: 'string' },
  'cluster-domain': { type: 'string' },
  'resolv-conf': { type: 'string' },
  'cloud-provider': { type: 'string' },
} as const;

export const NODE_FLAGS_HELP = `  --node-name NAME                   Node name (default: the lowercased hostname)
  --node-ip IP                       The node's InternalIP (default: the address of the default route's interface)
  --run-dir DIR                      Volatile state: containerd socket, netns, IP allocations (default /run/k8ts)
  --container-runtime-endpoint URL   An existing CRI runtime, unix:///path (default: start k8ts's containerd)
  --pod-cidr CIDR                    The node's pod CIDR, set on its Node by the agent (default: the one the server's
                                     node IPAM controller gives the Node; the agent waits for it)
  --cni-bridge NAME                  Linux bridge of the pod network (default cni0)
  --pod-logs-dir DIR                 Container logs (default /var/log/pods)
  --stream-server-port N             containerd's exec/attach/port-forward server on 127.0.0.1 (default 10010, as k3s;
                                     another node on the same machine needs another; 0 picks a free port)
  --streaming-connection-idle-timeout D  Close an exec, attach or port-forward stream idle this long (default 4h, as upstream)
  --pod-manifest-path PATH           Static pod manifests: a directory or one file (default <data-dir>/agent/pod-manifests)
  --manifest-url URL                 Static pods served at a URL: a v1 Pod or PodList, YAML or JSON
  --manifest-url-header K:V[,K:V]    Headers of the --manifest-url request; repeatable
  --kubelet-port PORT                The kubelet's HTTPS server (default ${DEFAULT_KUBELET_PORT})
  --client-ca-file PATH              CA bundle of the client certificates the kubelet server accepts
                                     (default: the cluster CA of the node's connection; without either, only /healthz is served)
  --container-log-max-size SIZE      Rotate a container's log at this size (default 10Mi)
  --container-log-max-files N        Log files kept per container, the live one included (default 5)
  --container-log-monitor-interval D How often logs are checked for rotation (default 10s)
  --container-logs-dir DIR           Where the <pod>_<ns>_<container>-<id>.log links go (default ${DEFAULT_CONTAINER_LOGS_DIR})
  --image-gc-high-threshold PERCENT  Image fs usage that starts image GC (default 85)
  --image-gc-low-threshold PERCENT   Image fs usage image GC brings it down to (default 80)
  --container-gc-period D            k8ts: how often dead containers are collected (default 1m, upstream's fixed period)
  --image-gc-period D                k8ts: how often unused images are collected (default 5m, upstream's fixed period)
  --cluster-dns IP[,IP]              Nameservers of ClusterFirst pods (default ${DEFAULT_CLUSTER_DNS}; "" for none: such pods get Default)
  --cluster-domain DOMAIN            The cluster's DNS domain: pods' search paths (default ${DEFAULT_CLUSTER_DOMAIN})
  --resolv-conf PATH                 The resolver file Default pods get and ClusterFirst pods' search extends (default ${DEFAULT_RESOLV_CONF};
                                     "" for none: nameserver 127.0.0.1, search .)
  --cloud-provider external          Register the node with the taint node.cloudprovider.kubernetes.io/uninitialized, for
                                     a cloud controller manager to initialize (upstream: only "" or "external")
`;

/** What the node flags set, checked. */
export interface NodeFlagValues {
  nodeName: string;
  nodeIP?: string;
  runDir?: string;
  containerRuntimeEndpoint?: string;
  /** --pod-cidr; unset, the node takes spec.podCIDR(s) from the node IPAM controller. */
  podCidr?: string;
  cniBridge?: string;
  podLogsDir?: string;
  /** Port of k8ts's containerd's streaming server. */
  streamServerPort?: string;
  /** --streaming-connection-idle-timeout in ms. */
  streamingIdleTimeoutMs: number;
  /** Static pod manifests (a directory or a file). @default nodePaths(dataDir).podManifestsDir, created at start */
  podManifestPath?: string;
  /** Static pods served at this URL, and the headers of its request. */
  manifestUrl?: string;
  manifestUrlHeaders?: Record<string, string[]>;
  /** The kubelet server's port. */
  kubeletPort: number;
  /** CA bundle of the client certificates the kubelet server accepts. */
  clientCaFile?: string;
  /** Log rotation: size limit (bytes, default 10Mi), files kept, check period. */
  containerLogMaxBytes?: number;
  containerLogMaxFiles: number;
  containerLogMonitorMs: number;
  /** /var/log/containers. */
  containerLogsDir?: string;
  /** Image GC thresholds (percent of the image fs). */
  imageGcHighPercent: number;
  imageGcLowPercent: number;
  /** GC periods. */
  containerGcMs: number;
  imageGcMs: number;
  /** --cluster-dns; empty for none. @default [DEFAULT_CLUSTER_DNS] */
  clusterDNS?: string[];
  /** --cluster-domain. @default DEFAULT_CLUSTER_DOMAIN */
  clusterDomain?: string;
  /** --resolv-conf; '' for none. @default DEFAULT_RESOLV_CONF */
  resolvConf?: string;
  /** --cloud-provider=external. */
  externalCloudProvider?: boolean;
}

/** Checks the node flags; throws a UsageError naming a malformed one. */
export function nodeFlagValues(values: { [K in keyof typeof NODE_FLAGS]?: (K extends 'manifest-url-header' ? string[] : string) | undefined }): NodeFlagValues {
  const podCidr = values['pod-cidr'];
  if (podCidr !== undefined && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(podCidr) && !podCidr.includes(':')) {
    throw new UsageError(`invalid --pod-cidr ${JSON.stringify(podCidr)}: want a CIDR like ${DEFAULT_POD_CIDR}`);
  }
  const endpoint = values['container-runtime-endpoint'];
  if (endpoint !== undefined && !endpoint.startsWith('unix://') && !endpoint.startsWith('/')) {
    throw new UsageError(`invalid --container-runtime-endpoint ${JSON.stringify(endpoint)}: want unix:///path`);
  }
  const streamPort = values['stream-server-port'] === undefined ? undefined : port('stream-server-port', values['stream-server-port']);
  const nodeName = values['node-name'] ?? hostname().toLowerCase();
  if (!isNodeName(nodeName)) {
    throw new UsageError(`invalid ${values['node-name'] ? '--node-name' : 'node name (the hostname; give --node-name)'} ${JSON.stringify(nodeName)}: want a DNS-1123 subdomain`);
  }
  const manifestUrl = values['manifest-url'];
  let manifestUrlHeaders: Record<string, string[]> | undefined;
  try {
    if (manifestUrl !== undefined) checkManifestUrl(manifestUrl);
    if (values['manifest-url-header']?.length) manifestUrlHeaders = parseManifestUrlHeaders(values['manifest-url-header']);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const logMaxBytes = values['container-log-max-size'] === undefined ? undefined : parseQuantity(values['container-log-max-size'])?.value;
  if (logMaxBytes !== undefined && !(logMaxBytes > 0)) throw new UsageError(`invalid --container-log-max-size ${JSON.stringify(values['container-log-max-size'])}: want a positive quantity like 10Mi`);
  const imageGcHighPercent = intFlag('image-gc-high-threshold', values['image-gc-high-threshold'], 85, 0, 100);
  const imageGcLowPercent = intFlag('image-gc-low-threshold', values['image-gc-low-threshold'], 80, 0, 100);
  if (imageGcLowPercent > imageGcHighPercent) throw new UsageError(`--image-gc-low-threshold ${imageGcLowPercent} is above --image-gc-high-threshold ${imageGcHighPercent}`);
  const duration = (flag: 'container-log-monitor-interval' | 'container-gc-period' | 'image-gc-period' | 'streaming-connection-idle-timeout', def: number): number => {
    const text = values[flag];
    if (text === undefined) return def;
    const ms = parseDuration(text, flag);
    if (ms <= 0) throw new UsageError(`invalid --${flag} ${JSON.stringify(text)}: want a positive duration like 10s`);
    return ms;
  };
  const cloudProvider = values['cloud-provider'];
  if (cloudProvider && cloudProvider !== 'external') {
    throw new UsageError(`invalid --cloud-provider ${JSON.stringify(cloudProvider)}: want external (or nothing)`);
  }
  const clusterDNS = (values['cluster-dns'] ?? DEFAULT_CLUSTER_DNS).split(',').map((x) => x.trim()).filter(Boolean);
  for (const ip of clusterDNS) if (!isIP(ip)) throw new UsageError(`invalid --cluster-dns ${JSON.stringify(values['cluster-dns'])}: want comma-separated IP addresses`);
  const clusterDomain = (values['cluster-domain'] ?? DEFAULT_CLUSTER_DOMAIN).replace(/\.$/, '');
  if (clusterDomain && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(clusterDomain)) {
    throw new UsageError(`invalid --cluster-domain ${JSON.stringify(values['cluster-domain'])}: want a DNS-1123 subdomain like ${DEFAULT_CLUSTER_DOMAIN}`);
  }
  return {
    nodeName,
    ...(podCidr !== undefined ? { podCidr } : {}),
    clusterDNS,
    clusterDomain,
    resolvConf: values['resolv-conf'] ?? DEFAULT_RESOLV_CONF,
    ...(cloudProvider === 'external' ? { externalCloudProvider: true } : {}),
    kubeletPort: values['kubelet-port'] === undefined ? DEFAULT_KUBELET_PORT : port('kubelet-port', values['kubelet-port']),
    ...(values['client-ca-file'] ? { clientCaFile: values['client-ca-file'] } : {}),
    ...(logMaxBytes !== undefined ? { containerLogMaxBytes: logMaxBytes } : {}),
    containerLogMaxFiles: intFlag('container-log-max-files', values['container-log-max-files'], 5, 2, 1000),
    containerLogMonitorMs: duration('container-log-monitor-interval', 10_000),
    ...(values['container-logs-dir'] ? { containerLogsDir: values['container-logs-dir'] } : {}),
    imageGcHighPercent,
    imageGcLowPercent,
    containerGcMs: duration('container-gc-period', 60_000),
    imageGcMs: duration('image-gc-period', 300_000),
    streamingIdleTimeoutMs: duration('streaming-connection-idle-timeout', 4 * 3600_000),
    ...(values['pod-manifest-path'] ? { podManifestPath: values['pod-manifest-path'] } : {}),
    ...(manifestUrl ? { manifestUrl } : {}),
    ...(manifestUrlHeaders ? { manifestUrlHeaders } : {}),
    ...(values['node-ip'] ? { nodeIP: values['node-ip'] } : {}),
    ...(values['run-dir'] ? { runDir: values['run-dir'] } : {}),
    ...(endpoint ? { containerRuntimeEndpoint: endpoint } : {}),
    ...(values['cni-bridge'] ? { cniBridge: values['cni-bridge'] } : {}),
    ...(values['pod-logs-dir'] ? { podLogsDir: values['pod-logs-dir'] } : {}),
    ...(streamPort !== undefined ? { streamServerPort: String(streamPort) } : {}),
  };
}

function intFlag(name: string, text: string | undefined, def: number, min: number, max: number): number {
  if (text === undefined) return def;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`invalid --${name} ${JSON.stringify(text)}: want an integer from ${min} to ${max}`);
  return n;
}

/** k3s's --cluster-cidr default: every node's podCIDR lies in it. */
export const DEFAULT_CLUSTER_CIDR = '10.42.0.0/16';

/** `k8ts agent`'s flannel flags (k3s's --flannel-backend and --cluster-cidr). */
export const FLANNEL_FLAGS = {
  'flannel-backend': { type: 'string' },
  'cluster-cidr': { type: 'string' },
} as const;

export const FLANNEL_FLAGS_HELP = `  --flannel-backend NAME             Pod routes to the other nodes: vxlan (default, as k3s), host-gw (all nodes on one L2
                                     network), or none
  --cluster-cidr CIDR                The whole pod network, never masqueraded inside (default ${DEFAULT_CLUSTER_CIDR})
`;

export interface FlannelFlagValues {
  backend: FlannelBackend | 'none';
  clusterCidr: string;
}

/** Checks the flannel flags; throws a UsageError naming a bad one. */
export function flannelFlagValues(values: { 'flannel-backend'?: string | undefined; 'cluster-cidr'?: string | undefined }): FlannelFlagValues {
  const backend = values['flannel-backend'] ?? 'vxlan';
  if (!(FLANNEL_BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`invalid --flannel-backend ${JSON.stringify(backend)}: want one of ${FLANNEL_BACKENDS.join(', ')}`);
  }
  const clusterCidr = values['cluster-cidr'] ?? DEFAULT_CLUSTER_CIDR;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(clusterCidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new UsageError(`invalid --cluster-cidr ${JSON.stringify(clusterCidr)}: want an IPv4 CIDR like ${DEFAULT_CLUSTER_CIDR}`);
  }
  return { backend: backend as FlannelBackend | 'none', clusterCidr };
}
