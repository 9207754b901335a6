/**
 * The one-node pod network: a CNI config list that containerd's CRI plugin
 * loads from its conf_dir. The bridge plugin puts every pod's eth0 on a
 * host bridge that is the pods' gateway (so the host reaches pod IPs
 * directly) and masquerades traffic leaving the pod CIDR; host-local hands
 * out addresses from the node's podCIDR(s); portmap serves hostPort.
 * containerd adds the loopback interface itself (from `loopback` in its
 * bin_dir), so the list does not name it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';

/** containerd loads the first file of conf_dir in name order; this one. */
export const CNI_CONFIG_FILE = '10-k8ts.conflist';

export interface BridgeNetworkOptions {
  /** The node's spec.podCIDRs: one IPv4 and/or one IPv6 range. */
  podCidrs: string[];
  /** host-local's allocation files (they belong with the network namespaces: a reboot frees both). */
  ipamDataDir: string;
  /** Linux bridge name, at most 15 bytes. @default "cni0" */
  bridge?: string;
  /** CNI network name. @default "k8ts" */
  networkName?: string;
  /** @default unset (the bridge plugin's default) */
  mtu?: number;
  /**
   * The bridge plugin masquerades traffic leaving the podCIDR; off when
   * flannel runs, whose own rules masquerade only traffic leaving the cluster
   * CIDR, so pods on other nodes see the pod's own IP. @default true
   */
  ipMasq?: boolean;
}

/** The conflist as JSON text; throws on a malformed CIDR or bridge name. */
export function renderBridgeConflist(opts: BridgeNetworkOptions): string {
  const bridge = opts.bridge ?? 'cni0';
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`bridge name ${JSON.stringify(bridge)}: 1 to 15 letters, digits, '_', '.', '-'`);
  if (opts.podCidrs.length === 0) throw new Error('a pod network needs at least one podCIDR');
  const families = opts.podCidrs.map(familyOf);
  if (new Set(families).size !== families.length) throw new Error(`podCIDRs ${opts.podCidrs.join(', ')}: at most one per IP family`);
  const bridgePlugin: Record<string, unknown> = {
    type: 'bridge',
    bridge,
    isGateway: true,
    ipMasq: opts.ipMasq ?? true,
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      dataDir: opts.ipamDataDir,
      ranges: opts.podCidrs.map((subnet) => [{ subnet }]),
      routes: families.map((f) => ({ dst: f === 4 ? '0.0.0.0/0' : '::/0' })),
    },
  };
  if (opts.mtu !== undefined) bridgePlugin['mtu'] = opts.mtu;
  return `${JSON.stringify({
    cniVersion: '1.0.0',
    name: opts.networkName ?? 'k8ts',
    plugins: [bridgePlugin, { type: 'portmap', capabilities: { portMappings: true } }],
  }, null, 2)}\n`;
}

/**
 * Writes the conflist into `confDir` unless it already holds exactly this
 * content; the write is atomic, since containerd reloads on every change.
 * Returns the file's path.
 */
export function writeBridgeConflist(confDir: string, opts: BridgeNetworkOptions): string {
  const text = renderBridgeConflist(opts);
  const path = join(confDir, CNI_CONFIG_FILE);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) {
    mkdirSync(confDir, { recursive: true });
    const tmp = join(confDir, `.${CNI_CONFIG_FILE}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return path;
}

function familyOf(cidr: string): 4 | 6 {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (m) {
    const bits = Number(m[2]);
    if (isIPv4(m[1]) && bits <= 32) return 4;
    if (isIPv6(m[1]) && bits <= 128) return 6;
  }
  throw new Error(`podCIDR ${JSON.stringify(cidr)} is not an IPv4 or IPv6 CIDR`);
}
