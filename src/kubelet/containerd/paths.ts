/**
 * Where a node's containerd and CNI files live, after k3s's agent layout:
 * persistent things under `<data-dir>/agent/`, runtime state (socket,
 * network namespaces, IP allocations) under a run directory that a reboot
 * clears. Two nodes on one machine need two data dirs and two run dirs.
 */
import { join } from 'node:path';

export interface NodePaths {
  /** config.toml that k8ts renders on every start (k3s: agent/etc/containerd/config.toml). */
  containerdConfig: string;
  /** Registry hosts (one `<host>/hosts.toml` each), containerd's registry config_path. */
  registryCertsDir: string;
  /** containerd --root: content, snapshots, metadata; also the opt plugin's path. */
  containerdRoot: string;
  /** containerd --state: sockets, shims' state, sandbox network namespaces. */
  containerdState: string;
  /** containerd -a: the gRPC socket serving CRI and containerd's own services. */
  containerdSocket: string;
  /** containerd's stdout and stderr. */
  containerdLog: string;
  /** The supervised containerd's PID, so a restarted k8ts finds one it left behind. */
  containerdPidFile: string;
  /** CNI network configs that containerd loads (the first file wins). */
  cniConfDir: string;
  /** host-local IPAM allocations; under the run dir so a reboot frees them with the namespaces. */
  cniIpamDataDir: string;
  /** Image archives imported at start (k3s's air-gap folder). */
  imagesDir: string;
  /** The kubelet's root dir (upstream's --root-dir, /var/lib/kubelet): pods/<uid>/volumes/..., per-pod state. */
  kubeletDir: string;
  /** Static pod manifests (k3s: agent/pod-manifests). */
  podManifestsDir: string;
  /** Where the local-path provisioner's volumes live on this node (k3s: <data-dir>/storage). */
  localPathStorageDir: string;
  /** The kubelet's serving certificate and key (port 10250). */
  kubeletServingCert: string;
  kubeletServingKey: string;
}

export interface NodePathOptions {
  /** Volatile state. @default /run/k8ts */
  runDir?: string;
}

export function nodePaths(dataDir: string, opts: NodePathOptions = {}): NodePaths {
  const agent = join(dataDir, 'agent');
  const run = opts.runDir ?? '/run/k8ts';
  const state = join(run, 'containerd');
  const root = join(agent, 'containerd');
  return {
    containerdConfig: join(agent, 'etc', 'containerd', 'config.toml'),
    registryCertsDir: join(agent, 'etc', 'containerd', 'certs.d'),
    containerdRoot: root,
    containerdState: state,
    containerdSocket: join(state, 'containerd.sock'),
    containerdLog: join(root, 'containerd.log'),
    containerdPidFile: join(run, 'containerd.pid'),
    cniConfDir: join(agent, 'etc', 'cni', 'net.d'),
    cniIpamDataDir: join(run, 'cni', 'networks'),
    imagesDir: join(agent, 'images'),
    kubeletDir: join(agent, 'kubelet'),
    podManifestsDir: join(agent, 'pod-manifests'),
    localPathStorageDir: join(dataDir, 'storage'),
    kubeletServingCert: join(agent, 'serving-kubelet.crt'),
    kubeletServingKey: join(agent, 'serving-kubelet.key'),
  };
}
