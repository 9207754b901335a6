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
import { resolve } from 'node:path';
import { createLogger } from '../api/log.js';
import { RestClient, defaultKubeconfigPath, loadKubeconfig } from '../client/index.js';
import {
  ContainerdClient, ContainerdSupervisor, Kubelet, LocalPathCleaner, PAUSE_IMAGE, connectCri, ensurePauseImage, importAirgapImages,
  nodePaths, nodeStatusManagerFromFlags, readHostInfo, waitForRuntime, writeBridgeConflist, type CriClient,
} from '../kubelet/index.js';
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
    { rootDir: dataDir, imageFsDir: paths.containerdRoot, nodeName, podCIDRs: [podCidr], ...(values['node-ip'] ? { nodeIP: values['node-ip'] } : {}) },
    { client, logger: createLogger('node-status'), runtime: cri.runtime, images: cri.images },
  );
  const kubelet = new Kubelet({
    client, informerClient, nodeName, runtime: cri.runtime, images: cri.images, logger: createLogger('kubelet'),
    hostIPs: () => hostIPs, rootDir: paths.kubeletDir, ...(values['pod-logs-dir'] ? { podLogsDir: values['pod-logs-dir'] } : {}),
  });
  const localPathCleaner = new LocalPathCleaner({
    client, informerClient, nodeName, storageDir: resolve(paths.localPathStorageDir), logger: createLogger('local-path-cleaner'),
  });
  nodeStatus.start();
  kubelet.start();
  localPathCleaner.start();
  log.info({ node: nodeName, podCidr, endpoint: endpoint ?? paths.containerdSocket }, 'agent started');

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping the agent');
      void (async () => {
        await kubelet.stop().catch(() => undefined);
        await localPathCleaner.stop().catch(() => undefined);
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
