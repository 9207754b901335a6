/**
 * `k8ts agent`: a real node. Wiring only: the CNI bridge config, k8ts's own
 * containerd (unless --container-runtime-endpoint names a runtime), the
 * pause and air-gap images, the node status manager and the kubelet's pod
 * loop, all from src/kubelet.
 *
 * On SIGINT/SIGTERM it stops the kubelet and the node status manager, then
 * the containerd it started. Containers keep running under their shims,
 * as with upstream's kubelet and k3s (which also leaves its containerd's
 * shims behind); the next start adopts them by their labels.
 */
import { hostname } from 'node:os';
import { createLogger } from '../api/log.js';
import { RestClient, defaultKubeconfigPath, loadKubeconfig } from '../client/index.js';
import {
  ContainerLogManager, ContainerdClient, ContainerdSupervisor, DEFAULT_CONTAINER_LOGS_DIR, DEFAULT_KUBELET_PORT, DEFAULT_POD_LOGS_DIR,
  GarbageCollector, ImageGCManager, Kubelet, PAUSE_IMAGE, connectCri, ensurePauseImage, importAirgapImages,
  nodePaths, nodeStatusManagerFromFlags, readHostInfo, removeContainerLogs, startKubeletServer, waitForRuntime, writeBridgeConflist,
  type CriClient,
} from '../kubelet/index.js';
import { parseQuantity } from '../api/validation/quantity.js';
import { filesystemStats } from '../kubelet/node-status/host-usage.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

/** k3s's cluster-cidr is 10.42.0.0/16; its first /24 is the default of a lone node. */
export const DEFAULT_POD_CIDR = '10.42.0.0/24';
const DEFAULT_DATA_DIR = '/var/lib/k8ts';

const HELP = `Usage: k8ts agent [flags]

Runs a node: registers it with the API server, keeps its status and Lease,
and runs the pods bound to it in real containers through containerd's CRI.
Unless --container-runtime-endpoint is given, it starts its own containerd
(state under <data-dir>/agent and --run-dir) with a CNI bridge for the pod
CIDR, and imports the archives of <data-dir>/agent/images. SIGINT or SIGTERM
stops it; running containers are left running.

Flags:
  --kubeconfig PATH                  Kubeconfig to use (default $KUBECONFIG, else ~/.kube/config)
  --node-name NAME                   Node name (default: the lowercased hostname)
  --node-ip IP                       The node's InternalIP (default: the address of the default route's interface)
  --data-dir DIR                     Where the node keeps its state (default ${DEFAULT_DATA_DIR})
  --run-dir DIR                      Volatile state: containerd socket, netns, IP allocations (default /run/k8ts)
  --container-runtime-endpoint URL   An existing CRI runtime, unix:///path (default: start k8ts's containerd)
  --pod-cidr CIDR                    The node's pod CIDR (default ${DEFAULT_POD_CIDR})
  --cni-bridge NAME                  Linux bridge of the pod network (default cni0)
  --pod-logs-dir DIR                 Container logs (default /var/log/pods)
  --kubelet-port PORT                The kubelet's HTTPS server (default ${DEFAULT_KUBELET_PORT})
  --client-ca-file PATH              CA bundle of the client certificates the kubelet server accepts
                                     (without it, the server answers only /healthz)
  --container-log-max-size SIZE      Rotate a container's log at this size (default 10Mi)
  --container-log-max-files N        Log files kept per container, the live one included (default 5)
  --container-log-monitor-interval D How often logs are checked for rotation (default 10s)
  --container-logs-dir DIR           Where the <pod>_<ns>_<container>-<id>.log links go (default ${DEFAULT_CONTAINER_LOGS_DIR})
  --image-gc-high-threshold PERCENT  Image fs usage that starts image GC (default 85)
  --image-gc-low-threshold PERCENT   Image fs usage image GC brings it down to (default 80)
  --container-gc-period D            k8ts: how often dead containers are collected (default 1m, upstream's fixed period)
  --image-gc-period D                k8ts: how often unused images are collected (default 5m, upstream's fixed period)
  -h, --help                         This help
`;

export async function runAgent(argv: string[]): Promise<number> {
  const { values } = parseFlags({
    args: argv, strict: true,
    options: {
      kubeconfig: { type: 'string' },
      'node-name': { type: 'string' },
      'node-ip': { type: 'string' },
      'data-dir': { type: 'string' },
      'run-dir': { type: 'string' },
      'container-runtime-endpoint': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'cni-bridge': { type: 'string' },
      'pod-logs-dir': { type: 'string' },
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const podCidr = values['pod-cidr'] ?? DEFAULT_POD_CIDR;
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(podCidr) && !podCidr.includes(':')) throw new UsageError(`invalid --pod-cidr ${JSON.stringify(podCidr)}: want a CIDR like ${DEFAULT_POD_CIDR}`);
  const endpoint = values['container-runtime-endpoint'];
  if (endpoint !== undefined && !endpoint.startsWith('unix://') && !endpoint.startsWith('/')) {
    throw new UsageError(`invalid --container-runtime-endpoint ${JSON.stringify(endpoint)}: want unix:///path`);
  }
  const kubeletPort = intFlag('kubelet-port', values['kubelet-port'], DEFAULT_KUBELET_PORT, 0, 65535);
  const logMaxBytes = values['container-log-max-size'] === undefined ? undefined : parseQuantity(values['container-log-max-size'])?.value;
  if (logMaxBytes !== undefined && !(logMaxBytes > 0)) throw new UsageError(`invalid --container-log-max-size ${JSON.stringify(values['container-log-max-size'])}: want a positive quantity like 10Mi`);
  const logMaxFiles = intFlag('container-log-max-files', values['container-log-max-files'], 5, 2, 1000);
  const logMonitorMs = durationFlag('container-log-monitor-interval', values['container-log-monitor-interval'], 10_000);
  const containerGcMs = durationFlag('container-gc-period', values['container-gc-period'], 60_000);
  const imageGcMs = durationFlag('image-gc-period', values['image-gc-period'], 300_000);
  const imageGcHigh = intFlag('image-gc-high-threshold', values['image-gc-high-threshold'], 85, 0, 100);
  const imageGcLow = intFlag('image-gc-low-threshold', values['image-gc-low-threshold'], 80, 0, 100);
  if (imageGcLow > imageGcHigh) throw new UsageError(`--image-gc-low-threshold ${imageGcLow} is above --image-gc-high-threshold ${imageGcHigh}`);
  const podLogsDir = values['pod-logs-dir'] ?? DEFAULT_POD_LOGS_DIR;
  const nodeName = values['node-name'] ?? hostname().toLowerCase();
  const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
  const log = createLogger('agent');
  const conn = loadKubeconfig(values.kubeconfig ?? defaultKubeconfigPath());
  const client = new RestClient(conn, { component: 'kubelet', maxSockets: 16 });
  const informerClient = new RestClient(conn, { component: 'kubelet', maxSockets: 4 });
  const paths = nodePaths(dataDir, values['run-dir'] ? { runDir: values['run-dir'] } : {});

  let supervisor: ContainerdSupervisor | undefined;
  let cri: CriClient;
  if (endpoint) {
    cri = connectCri(endpoint);
    await waitForRuntime(cri.runtime);
  } else {
    writeBridgeConflist(paths.cniConfDir, {
      podCidrs: [podCidr], ipamDataDir: paths.cniIpamDataDir, ...(values['cni-bridge'] ? { bridge: values['cni-bridge'] } : {}),
    });
    supervisor = new ContainerdSupervisor(paths, { sandboxImage: PAUSE_IMAGE, log: createLogger('containerd') });
    cri = await supervisor.start();
    const containerd = new ContainerdClient(cri.connection);
    await ensurePauseImage(containerd, cri.images);
    const imported = await importAirgapImages(containerd, paths.imagesDir, { cri: cri.images });
    for (const i of imported) log.info({ image: i.name, source: i.source }, 'air-gap image imported');
  }
  await cri.runtime.updateRuntimeConfig(podCidr);

  const host = await readHostInfo({ rootDir: dataDir, ...(values['node-ip'] ? { nodeIP: values['node-ip'] } : {}) });
  const hostIPs = host.internalIP ? [host.internalIP] : [];
  const nodeStatus = nodeStatusManagerFromFlags(
    { rootDir: dataDir, imageFsDir: paths.containerdRoot, nodeName, podCIDRs: [podCidr], kubeletPort, ...(values['node-ip'] ? { nodeIP: values['node-ip'] } : {}) },
    { client, logger: createLogger('node-status'), runtime: cri.runtime, images: cri.images },
  );
  const kubelet = new Kubelet({
    client, informerClient, nodeName, runtime: cri.runtime, images: cri.images, logger: createLogger('kubelet'),
    hostIPs: () => hostIPs, rootDir: paths.kubeletDir, podLogsDir,
  });
  const logs = new ContainerLogManager({
    runtime: cri.runtime, logger: createLogger('container-logs'), maxFiles: logMaxFiles, monitorIntervalMs: logMonitorMs, podLogsDir,
    containerLogsDir: values['container-logs-dir'] ?? DEFAULT_CONTAINER_LOGS_DIR, ...(logMaxBytes !== undefined ? { maxBytes: logMaxBytes } : {}),
  });
  const gcLog = createLogger('gc');
  const gc = new GarbageCollector({
    logger: gcLog, containerPeriodMs: containerGcMs, imagePeriodMs: imageGcMs,
    containers: {
      runtime: cri.runtime, logger: gcLog, podLogsDir, removeLogs: (c) => removeContainerLogs(logs, c),
      pods: {
        allSourcesReady: () => kubelet.hasSynced(),
        isPodDeleted: (uid) => !kubelet.informer.store.list().some((p) => p.metadata?.uid === uid),
      },
    },
    images: new ImageGCManager({
      images: cri.images, runtime: cri.runtime, sandboxImage: PAUSE_IMAGE, logger: gcLog,
      policy: { highThresholdPercent: imageGcHigh, lowThresholdPercent: imageGcLow },
      imageFs: () => filesystemStats(paths.containerdRoot),
    }),
  });
  const server = await startKubeletServer({
    nodeName, nodeIPs: hostIPs, port: kubeletPort, certPath: paths.kubeletServingCert, keyPath: paths.kubeletServingKey,
    runtime: cri.runtime, images: cri.images, pods: { list: () => kubelet.informer.store.list(), addEventHandler: (h) => kubelet.informer.addEventHandler(h) },
    rootDir: dataDir, imageFsDir: paths.containerdRoot, podLogsDir, logger: createLogger('kubelet-server'),
    ...(values['client-ca-file'] ? { clientCaFile: values['client-ca-file'] } : {}),
  }).catch(async (e: unknown) => {
    // A taken port or a bad --client-ca-file: stop the containerd this agent started before failing.
    cri.close();
    await supervisor?.stop();
    client.close();
    informerClient.close();
    throw e;
  });
  nodeStatus.start();
  kubelet.start();
  logs.start();
  gc.start();
  log.info({ node: nodeName, podCidr, endpoint: endpoint ?? paths.containerdSocket }, 'agent started');

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping the agent');
      void (async () => {
        await server.stop().catch(() => undefined);
        await gc.stop().catch(() => undefined);
        await logs.stop().catch(() => undefined);
        await kubelet.stop().catch(() => undefined);
        await nodeStatus.stop().catch(() => undefined);
        cri.close();
        await supervisor?.stop();
        client.close();
        informerClient.close();
      })().finally(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

function intFlag(name: string, text: string | undefined, def: number, min: number, max: number): number {
  if (text === undefined) return def;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`invalid --${name} ${JSON.stringify(text)}: want an integer from ${min} to ${max}`);
  return n;
}

/** A Go-style duration of one unit: 500ms, 10s, 1m, 1h. */
function durationFlag(name: string, text: string | undefined, defMs: number): number {
  if (text === undefined) return defMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'] : NaN;
  if (!(ms > 0)) throw new UsageError(`invalid --${name} ${JSON.stringify(text)}: want a positive duration like 10s`);
  return ms;
}
