/**
 * `k8ts agent`: a real node. Wiring only: the CNI bridge config, k8ts's own
 * containerd (unless a CRI endpoint is given), the pause and air-gap images,
 * the node status manager and the kubelet's pod loop, all from src/kubelet.
 * `startAgent` runs one (k8ts server runs its own node with it); `runAgent`
 * is the command: flags, credentials (a kubeconfig, or joining with
 * --server and --token as a k3s agent does) and signals.
 *
 * On stop (SIGINT/SIGTERM for the command) it stops the kubelet and the node
 * status manager, then the containerd it started. Containers keep running
 * under their shims, as with upstream's kubelet and k3s (which also leaves
 * its containerd's shims behind); the next start adopts them by their labels.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join, resolve } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { createLogger, type Logger } from '../api/log.js';
import { RestClient, defaultKubeconfigPath, loadKubeconfig, type ConnectionConfig } from '../client/index.js';
import {
  ContainerLogManager, ContainerdClient, ContainerdSupervisor, DEFAULT_CONTAINER_LOGS_DIR, DEFAULT_POD_LOGS_DIR, FileSource,
  GarbageCollector, HttpSource, ImageGCManager, Kubelet, LocalPathCleaner, PAUSE_IMAGE, removeContainerLogs, startKubeletServer, StaticPods, type ManifestSource, connectCri, ensurePauseImage, importAirgapImages,
  isMirrorPod, nodePaths, nodeStatusManagerFromFlags, readHostInfo, waitForPodCIDRs, waitForRuntime, writeBridgeConflist, type CriClient,
} from '../kubelet/index.js';
import { readRegistriesFile, unsupportedRewrites, writeRegistryHosts } from '../kubelet/containerd/registries.js';
import { filesystemStats } from '../kubelet/node-status/host-usage.js';
import { joinCluster, parseServerUrl } from './agent-join.js';
import { startFlannel, type RunningFlannel } from '../flannel/index.js';
import { startKubeProxy, type RunningKubeProxy } from '../proxy/index.js';
import { PROXY_FLAGS, PROXY_FLAGS_HELP, proxyModeOf, type ProxyMode } from './proxy-flags.js';
import {
  DEFAULT_CLUSTER_DNS, DEFAULT_CLUSTER_DOMAIN, DEFAULT_RESOLV_CONF, FLANNEL_FLAGS, FLANNEL_FLAGS_HELP, NODE_FLAGS, NODE_FLAGS_HELP,
  flannelFlagValues, nodeFlagValues, type FlannelFlagValues, type NodeFlagValues,
} from './node-flags.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export { DEFAULT_POD_CIDR } from './node-flags.js';
const DEFAULT_DATA_DIR = '/var/lib/k8ts';

/** Everything a node is started with. */
export interface AgentOptions extends NodeFlagValues {
  /** How the node's clients reach the API server, with its credentials. */
  connection: ConnectionConfig;
  /** Node state (containerd's under `<dataDir>/agent`, the kubelet's root dir). */
  dataDir: string;
  /** Labels the node registers with, over the defaults (upstream's --node-labels). */
  nodeLabels?: Record<string, string>;
  /** @default createLogger('agent') */
  log?: Logger;
  /** The pod network across nodes (`k8ts agent`); unset or backend 'none': this node's pods only. */
  flannel?: FlannelFlagValues;
  /** kube-proxy on this node; none when unset. */
  proxy?: { mode: ProxyMode; clusterCidrs: string[] };
}

/** A started node. */
export interface RunningAgent {
  /** Stops the kubelet, the node status manager and k8ts's containerd; containers keep running. Never rejects. */
  stop(): Promise<void>;
}

/**
 * Starts a node: containerd (or connects to the given runtime), the images,
 * the node status manager and the kubelet. Resolves once all are started;
 * rejects (after stopping what it started) if the runtime cannot be started
 * or reached. Installs no signal handlers.
 */
export async function startAgent(o: AgentOptions): Promise<RunningAgent> {
  const log = o.log ?? createLogger('agent');
  // k3s's registries.yaml, read whole before anything starts: a bad file (RegistriesError) stops the agent here.
  const registriesFile = join(o.dataDir, 'registries.yaml');
  const registries = readRegistriesFile(registriesFile);
  const client = new RestClient(o.connection, { component: 'kubelet', maxSockets: 16 });
  const informerClient = new RestClient(o.connection, { component: 'kubelet', maxSockets: 4 });
  const paths = nodePaths(o.dataDir, o.runDir ? { runDir: o.runDir } : {});
  const flannelBackend = o.flannel?.backend ?? 'none';
  const writePodNetworkConfig = (podCidrs: string[]): void => {
    writeBridgeConflist(paths.cniConfDir, {
      podCidrs, ipamDataDir: paths.cniIpamDataDir, ...(o.cniBridge ? { bridge: o.cniBridge } : {}),
      // flannel masquerades instead; vxlan's 50 bytes of headers come off a 1500-byte link (flannel's default MTU).
      ...(flannelBackend !== 'none' ? { ipMasq: false } : {}), ...(flannelBackend === 'vxlan' ? { mtu: 1450 } : {}),
    });
  };
  let supervisor: ContainerdSupervisor | undefined;
  let cri: CriClient | undefined;
  const hostIPs: string[] = [];
  const release = async (): Promise<void> => {
    cri?.close();
    await supervisor?.stop().catch((err: unknown) => log.error({ err }, 'stopping containerd'));
    client.close();
    informerClient.close();
  };
  try {
    if (o.containerRuntimeEndpoint) {
      cri = connectCri(o.containerRuntimeEndpoint);
      if (Object.keys(registries.mirrors).length + Object.keys(registries.configs).length > 0) {
        log.warn({ file: registriesFile, endpoint: o.containerRuntimeEndpoint }, 'registries.yaml is not applied to a runtime k8ts did not start');
      }
      await waitForRuntime(cri.runtime);
    } else {
      // Without --pod-cidr, once the node IPAM controller has given the Node its podCIDRs (below).
      if (o.podCidr) writePodNetworkConfig([o.podCidr]);
      writeRegistryHosts(paths.registryCertsDir, registries);
      const rewrites = unsupportedRewrites(registries);
      if (rewrites.length > 0) log.warn({ file: registriesFile, mirrors: rewrites }, 'registries.yaml rewrite is not applied: only k3s\'s containerd fork supports it');
      supervisor = new ContainerdSupervisor(paths, {
        sandboxImage: PAUSE_IMAGE, log: createLogger('containerd'), registries,
        ...(o.streamServerPort ? { streamServerPort: o.streamServerPort } : {}), streamIdleTimeoutMs: o.streamingIdleTimeoutMs,
      });
      cri = await supervisor.start();
      const containerd = new ContainerdClient(cri.connection);
      await ensurePauseImage(containerd, cri.images);
      const imported = await importAirgapImages(containerd, paths.imagesDir, { cri: cri.images });
      for (const i of imported) log.info({ image: i.name, source: i.source }, 'air-gap image imported');
    }
    if (o.podCidr) await cri.runtime.updateRuntimeConfig(o.podCidr);
    const host = await readHostInfo({ rootDir: o.dataDir, ...(o.nodeIP ? { nodeIP: o.nodeIP } : {}) });
    if (host.internalIP) hostIPs.push(host.internalIP);
  } catch (err) {
    await release();
    throw err;
  }
  const runtime = cri;
  const labels = Object.entries(o.nodeLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  // Static pods (upstream's --pod-manifest-path and --manifest-url).
  const manifestPath = o.podManifestPath ?? paths.podManifestsDir;
  if (!o.podManifestPath) mkdirSync(manifestPath, { recursive: true });
  const staticLog = createLogger('static-pods');
  const sources: ManifestSource[] = [new FileSource(manifestPath, { nodeName: o.nodeName, logger: staticLog })];
  if (o.manifestUrl) sources.push(new HttpSource(o.manifestUrl, { nodeName: o.nodeName, ...(o.manifestUrlHeaders ? { headers: o.manifestUrlHeaders } : {}) }));
  const staticPods = new StaticPods(sources, { logger: staticLog });
  const podLogsDir = o.podLogsDir ?? DEFAULT_POD_LOGS_DIR;
  const kubelet = new Kubelet({
    staticPods, client, informerClient, nodeName: o.nodeName, runtime: runtime.runtime, images: runtime.images, logger: createLogger('kubelet'),
    hostIPs: () => hostIPs, rootDir: paths.kubeletDir, podLogsDir,
    dns: { clusterDNS: o.clusterDNS ?? [DEFAULT_CLUSTER_DNS], clusterDomain: o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, resolvConf: o.resolvConf ?? DEFAULT_RESOLV_CONF },
  });
  // The pods this node runs: the API's (not mirror pods) and the static ones.
  const podsOfNode = (): Pod[] => [...kubelet.informer.store.list().filter((p) => !isMirrorPod(p)), ...staticPods.list()];
  const logs = new ContainerLogManager({
    runtime: runtime.runtime, logger: createLogger('container-logs'), maxFiles: o.containerLogMaxFiles, monitorIntervalMs: o.containerLogMonitorMs, podLogsDir,
    containerLogsDir: o.containerLogsDir ?? DEFAULT_CONTAINER_LOGS_DIR, ...(o.containerLogMaxBytes !== undefined ? { maxBytes: o.containerLogMaxBytes } : {}),
  });
  const gcLog = createLogger('gc');
  const gc = new GarbageCollector({
    logger: gcLog, containerPeriodMs: o.containerGcMs, imagePeriodMs: o.imageGcMs,
    containers: {
      runtime: runtime.runtime, logger: gcLog, podLogsDir, removeLogs: (c) => removeContainerLogs(logs, c),
      pods: {
        allSourcesReady: () => kubelet.hasSynced() && staticPods.hasSynced(),
        isPodDeleted: (uid) => !podsOfNode().some((p) => p.metadata?.uid === uid),
      },
    },
    images: new ImageGCManager({
      images: runtime.images, runtime: runtime.runtime, sandboxImage: PAUSE_IMAGE, logger: gcLog,
      policy: { highThresholdPercent: o.imageGcHighPercent, lowThresholdPercent: o.imageGcLowPercent },
      imageFs: () => filesystemStats(paths.containerdRoot),
    }),
  });
  let server: Awaited<ReturnType<typeof startKubeletServer>>;
  try {
    server = await startKubeletServer({
      nodeName: o.nodeName, nodeIPs: hostIPs, port: o.kubeletPort, certPath: paths.kubeletServingCert, keyPath: paths.kubeletServingKey,
      runtime: runtime.runtime, images: runtime.images, pods: { list: podsOfNode, addEventHandler: (h) => kubelet.informer.addEventHandler(h) },
      rootDir: o.dataDir, imageFsDir: paths.containerdRoot, podLogsDir, logger: createLogger('kubelet-server'), connection: o.connection,
      streamingIdleTimeoutMs: o.streamingIdleTimeoutMs,
      ...(o.clientCaFile ? { clientCaFile: o.clientCaFile } : {}),
    });
  } catch (err) { // a taken port or a bad --client-ca-file: stop the containerd this agent started before failing
    await release();
    throw err;
  }
  // The node reports the port its kubelet server got (--kubelet-port 0 picks a free one).
  const nodeStatus = nodeStatusManagerFromFlags({
    rootDir: o.dataDir, imageFsDir: paths.containerdRoot, nodeName: o.nodeName, ...(o.podCidr ? { podCIDRs: [o.podCidr] } : {}),
    kubeletPort: server.port,
    ...(o.nodeIP ? { nodeIP: o.nodeIP } : {}), ...(labels ? { nodeLabels: labels } : {}),
    ...(o.externalCloudProvider ? { externalCloudProvider: true } : {}),
  }, { client, logger: createLogger('node-status'), runtime: runtime.runtime, images: runtime.images });
  // Removes the directories of deleted local-path volumes of this node (k3s's local-storage).
  const localPathCleaner = new LocalPathCleaner({
    client, informerClient, nodeName: o.nodeName, storageDir: resolve(paths.localPathStorageDir), logger: createLogger('local-path-cleaner'),
  });
  nodeStatus.start();
  const flannelStop = new AbortController();
  let flannel: RunningFlannel | undefined;
  if (o.flannel && flannelBackend !== 'none') {
    const nodeIP = hostIPs.find((ip) => isIPv4(ip));
    if (nodeIP) {
      flannel = startFlannel({
        client, nodeName: o.nodeName, nodeIP, backend: flannelBackend, clusterCidr: o.flannel.clusterCidr,
        log: createLogger('flannel'), signal: flannelStop.signal,
      });
    } else {
      log.error({ node: o.nodeName }, 'flannel not started: the node has no IPv4 address (give --node-ip)');
    }
  }
  let proxy: RunningKubeProxy | undefined;
  // kube-proxy's two watches get connections of their own (the kubelet's informer pool is small).
  const proxyClient = o.proxy ? new RestClient(o.connection, { component: 'kube-proxy', maxSockets: 4 }) : undefined;
  if (o.proxy) {
    proxy = startKubeProxy({
      client: proxyClient!, nodeName: o.nodeName, nodeIPs: hostIPs, clusterCidrs: o.proxy.clusterCidrs,
      mode: o.proxy.mode, log: createLogger('kube-proxy'),
    });
  }
  staticPods.start();
  kubelet.start();
  localPathCleaner.start();
  logs.start();
  gc.start();
  log.info({ node: o.nodeName, podCidr: o.podCidr ?? null, endpoint: o.containerRuntimeEndpoint ?? paths.containerdSocket }, 'agent started');
  // The registered Node's podCIDRs, from the node IPAM controller, configure the pod network: until then the node is NotReady.
  const stopWaiting = new AbortController();
  const podNetwork = o.podCidr ? Promise.resolve() : (async () => {
    const cidrs = await waitForPodCIDRs({ client: informerClient, nodeName: o.nodeName, logger: log, signal: stopWaiting.signal });
    if (!o.containerRuntimeEndpoint) writePodNetworkConfig(cidrs);
    await runtime.runtime.updateRuntimeConfig(cidrs.join(','));
    log.info({ node: o.nodeName, podCIDRs: cidrs }, 'pod network configured from the node\'s podCIDRs');
  })().catch((err: unknown) => {
    if (!stopWaiting.signal.aborted) log.error({ err, node: o.nodeName }, 'configuring the pod network from the node\'s podCIDRs');
  });
  let stopped: Promise<void> | undefined;
  return {
    stop: () => stopped ??= (async () => {
      stopWaiting.abort();
      await podNetwork;
      await server.stop().catch((err: unknown) => log.error({ err }, 'stopping the kubelet server'));
      await gc.stop().catch((err: unknown) => log.error({ err }, 'stopping garbage collection'));
      await logs.stop().catch((err: unknown) => log.error({ err }, 'stopping log rotation'));
      await kubelet.stop().catch((err: unknown) => log.error({ err }, 'stopping the kubelet'));
      await staticPods.stop().catch((err: unknown) => log.error({ err }, 'stopping the static pod sources'));
      await localPathCleaner.stop().catch((err: unknown) => log.error({ err }, 'stopping the local-path cleaner'));
      await nodeStatus.stop().catch((err: unknown) => log.error({ err }, 'stopping the node status manager'));
      await proxy?.stop().catch((err: unknown) => log.error({ err }, 'stopping kube-proxy'));
      proxyClient?.close();
      flannelStop.abort();
      await flannel?.stop();
      await release();
    })(),
  };
}

const HELP = `Usage: k8ts agent [flags]

Runs a node: registers it with the API server, keeps its status and Lease,
and runs the pods bound to it in real containers through containerd's CRI.
Unless --container-runtime-endpoint is given, it starts its own containerd
(state under <data-dir>/agent and --run-dir) with a CNI bridge for the pod
CIDR, imports the archives of <data-dir>/agent/images, and takes registry
mirrors, TLS and auth from <data-dir>/registries.yaml (k3s's format). SIGINT or SIGTERM
stops it; running containers are left running.

It reaches the API server either with a kubeconfig, or by joining with the
server's token (<server data-dir>/token): it checks the server's CA against
the token, gets a client certificate for the node and keeps it under
<data-dir>/agent.

Flags:
  --server URL                       Join the k8ts server at https://HOST:PORT (or $K8TS_URL); needs --token
  --token TOKEN                      The server's join token (or $K8TS_TOKEN)
  --token-file FILE                  Read the join token from FILE (or $K8TS_TOKEN_FILE)
  --kubeconfig PATH                  Kubeconfig to use instead (default $KUBECONFIG, else ~/.kube/config)
  --data-dir DIR                     Where the node keeps its state (default ${DEFAULT_DATA_DIR})
${NODE_FLAGS_HELP}${FLANNEL_FLAGS_HELP}${PROXY_FLAGS_HELP}  -h, --help                         This help
`;

export async function runAgent(argv: string[]): Promise<number> {
  const { values } = parseFlags({
    args: argv, strict: true,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      kubeconfig: { type: 'string' },
      'data-dir': { type: 'string' },
      ...NODE_FLAGS,
      ...FLANNEL_FLAGS,
      ...PROXY_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const node = nodeFlagValues(values);
  const flannel = flannelFlagValues(values);
  const proxyMode = proxyModeOf(values);
  const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
  const log = createLogger('agent');
  // $K8TS_URL (k3s: $K3S_URL) yields to an explicit --kubeconfig.
  const server = values.server ?? (values.kubeconfig === undefined ? process.env['K8TS_URL'] || undefined : undefined);
  let connection: ConnectionConfig;
  if (server) {
    if (values.kubeconfig) throw new UsageError('give --server (with --token) or --kubeconfig, not both');
    try {
      parseServerUrl(server);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const token = joinTokenFrom(values.token, values['token-file']);
    connection = await joinCluster({ server, token, nodeName: node.nodeName, dataDir, log });
  } else {
    if (values.token !== undefined || values['token-file'] !== undefined) throw new UsageError('--token needs --server');
    connection = loadKubeconfig(values.kubeconfig ?? defaultKubeconfigPath());
  }
  const agent = await startAgent({
    ...node, connection, dataDir, log, flannel, ...(proxyMode ? { proxy: { mode: proxyMode, clusterCidrs: [flannel.clusterCidr] } } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping the agent');
      void agent.stop().finally(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

/** --token, else --token-file, else $K8TS_TOKEN, else $K8TS_TOKEN_FILE (k3s's order for K3S_TOKEN). */
function joinTokenFrom(token: string | undefined, tokenFile: string | undefined): string {
  if (token !== undefined && tokenFile !== undefined) throw new UsageError('give --token or --token-file, not both');
  if (token !== undefined) return token;
  const file = tokenFile ?? (process.env['K8TS_TOKEN'] ? undefined : process.env['K8TS_TOKEN_FILE']);
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`cannot read --token-file ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const env = process.env['K8TS_TOKEN'];
  if (env) return env;
  throw new UsageError('--server needs --token or --token-file (or $K8TS_TOKEN)');
}
