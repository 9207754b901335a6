/**
 * containerd's config.toml (version 2) for a k8ts node, with the keys k3s
 * renders: the CRI plugin with k8ts's sandbox image, overlayfs, CNI from
 * k8ts's conf dir, runc v2 with the cgroup driver the kubelet uses, the
 * streaming server on loopback, registries from a certs.d directory.
 * Network namespaces go under containerd's state dir, so each node's stay
 * apart and a test can see that none is left behind.
 */
import type { NodePaths } from './paths.js';
import { renderRegistryAuth, type Registries } from './registries.js';

export interface ContainerdConfigOptions {
  /** The pause image, exactly as imported (normalized reference). */
  sandboxImage: string;
  /** CNI plugin binaries. @default /usr/lib/cni (Debian's containernetworking-plugins) */
  cniBinDir?: string;
  /** true only when the kubelet uses the systemd cgroup driver. @default false (cgroupfs) */
  systemdCgroup?: boolean;
  /** Port of the exec/attach/port-forward streaming server; "0" picks a free one. @default "10010", as k3s */
  streamServerPort?: string;
  /** The streaming server closes a stream idle this long (upstream's --streaming-connection-idle-timeout). @default 4 h */
  streamIdleTimeoutMs?: number;
  /** Lets pods bind ports < 1024 and ping without privileges (k3s: kernel >= 4.11). @default true */
  enableUnprivileged?: boolean;
  /** @default "overlayfs" (the supervisor picks "native" where overlayfs cannot work, see snapshotterFor) */
  snapshotter?: string;
  /**
   * Keep containers' oom_score_adj at or above containerd's own, for hosts
   * where lowering it is not allowed (no CAP_SYS_RESOURCE: user namespaces,
   * some sandboxes); k3s sets it in user namespaces. @default false
   */
  restrictOomScoreAdj?: boolean;
  /** registries.yaml: its auth goes here (hosts.toml cannot say it); mirrors and TLS go to config_path (writeRegistryHosts). @default none */
  registries?: Registries;
}

export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';

/** The whole file, deterministic for the same inputs. */
export function renderContainerdConfig(paths: NodePaths, opts: ContainerdConfigOptions): string {
  const snapshotter = opts.snapshotter ?? 'overlayfs';
  const unprivileged = opts.enableUnprivileged ?? true;
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    '# Written by k8ts on every start; edits are lost.',
    'version = 2',
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${str(paths.containerdRoot)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${str(opts.sandboxImage)}`,
    '  stream_server_address = "127.0.0.1"',
    `  stream_server_port = ${str(opts.streamServerPort ?? '10010')}`,
    `  stream_idle_timeout = ${str(goDuration(opts.streamIdleTimeoutMs ?? 4 * 3600_000))}`,
    `  enable_unprivileged_ports = ${unprivileged}`,
    `  enable_unprivileged_icmp = ${unprivileged}`,
    '  enable_selinux = false',
    '  netns_mounts_under_state_dir = true',
    `  restrict_oom_score_adj = ${opts.restrictOomScoreAdj ?? false}`,
    '',
    `[${cri}.containerd]`,
    `  snapshotter = ${str(snapshotter)}`,
    `  disable_snapshot_annotations = ${snapshotter !== 'stargz'}`,
    '',
    `[${cri}.cni]`,
    `  bin_dir = ${str(opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR)}`,
    `  conf_dir = ${str(paths.cniConfDir)}`,
    '',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `[${cri}.containerd.runtimes.runc.options]`,
    `  SystemdCgroup = ${opts.systemdCgroup ?? false}`,
    '',
    `[${cri}.registry]`,
    `  config_path = ${str(paths.registryCertsDir)}`,
    '',
  ].join('\n') + (opts.registries ? renderRegistryAuth(opts.registries) : '');
}

/** A TOML basic string (JSON's escapes are valid TOML). */
function str(s: string): string {
  return JSON.stringify(s);
}

/** enable_unprivileged_ports/icmp need Linux 4.11 or newer. */
export function kernelSupportsUnprivileged(release: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 4 || (major === 4 && minor >= 11);
}

const CAP_SYS_RESOURCE = 24;

/**
 * Whether this process may lower oom_score_adj (CAP_SYS_RESOURCE in its
 * effective set), read from /proc/self/status text.
 */
export function canLowerOomScoreAdj(procSelfStatus: string): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(procSelfStatus);
  if (!m) return false;
  return (BigInt(`0x${m[1]}`) >> BigInt(CAP_SYS_RESOURCE) & 1n) === 1n;
}

/** statfs f_type of overlayfs. */
const OVERLAYFS_MAGIC = 0x794c7630;

/**
 * The snapshotter for a containerd root on a filesystem of this statfs
 * type: overlayfs, except on overlayfs itself (a container's root), which
 * cannot be an overlay's upper directory; there "native" (plain copies),
 * slower but working: what k3s users pass as --snapshotter there.
 */
export function snapshotterFor(filesystemType: number): string {
  return filesystemType === OVERLAYFS_MAGIC ? 'native' : 'overlayfs';
}

/** A duration in Go's time.Duration text form (whole seconds and up): 4h0m0s, 90s = 1m30s. */
function goDuration(ms: number): string {
  const total = Math.max(1, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h${m}m${sec}s` : m > 0 ? `${m}m${sec}s` : `${sec}s`;
}
