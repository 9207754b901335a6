/**
 * flannel's door to the kernel: `ip`, `bridge` and `iptables-restore`
 * (iproute2, iptables) in the process's own network namespace. Reads parse
 * `-j` output into the plan's types; writes are the plan's steps.
 */
import { execFile } from 'node:child_process';
import type { FdbEntry, KernelState, NeighbourEntry, RouteEntry } from './plan.js';
import { VXLAN_DEVICE } from './plan.js';
import { JUMPS } from './masquerade.js';

/** flannel's VNI and UDP port (the Linux default 8472, not IANA's 4789). */
export const VXLAN_VNI = 1;
export const VXLAN_PORT = 8472;
/** VXLAN's overhead (flannel sets the device MTU to the link's minus this). */
const VXLAN_OVERHEAD = 50;

/** A command that exited non-zero; `message` holds its stderr. */
export class CommandError extends Error {
  constructor(readonly argv: string[], stderr: string) {
    super(`${argv.join(' ')}: ${stderr.trim() || 'failed'}`);
  }
}

/** Runs argv; resolves stdout, rejects with a CommandError. */
export function run(argv: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0]!, argv.slice(1), { timeout: 15_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new CommandError(argv, stderr || err.message));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function json<T>(argv: string[]): Promise<T[]> {
  const out = (await run(argv)).trim();
  return out ? JSON.parse(out) as T[] : [];
}

/** Routes, and for vxlan the device's neighbours and FDB. */
export async function readKernelState(vxlan: boolean): Promise<KernelState> {
  const routes = await json<RouteEntry>(['ip', '-j', '-4', 'route', 'show']);
  if (!vxlan) return { routes, neighbours: [], fdb: [] };
  const neighbours = await json<NeighbourEntry>(['ip', '-j', '-4', 'neigh', 'show', 'dev', VXLAN_DEVICE]);
  const fdb = (await json<FdbEntry>(['bridge', '-j', 'fdb', 'show', 'dev', VXLAN_DEVICE])).map((f) => ({ ...f, mac: f.mac.toLowerCase() }));
  return { routes, neighbours: neighbours.map((n) => ({ ...n, ...(n.lladdr ? { lladdr: n.lladdr.toLowerCase() } : {}) })), fdb };
}

interface LinkDetail {
  ifname: string;
  address?: string;
  mtu?: number;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number; local?: string } };
}

/**
 * Makes flannel.1 exist as flannel's vxlan backend wants it (VNI 1, port
 * 8472, local = the node IP, no learning, MTU of the node IP's link minus
 * 50), recreating one that differs, up; returns its MAC (the VtepMAC).
 */
export async function ensureVxlanDevice(nodeIP: string): Promise<string> {
  const links = await json<LinkDetail>(['ip', '-j', '-d', 'link', 'show']);
  const existing = links.find((l) => l.ifname === VXLAN_DEVICE);
  const data = existing?.linkinfo?.info_data;
  const fits = existing?.linkinfo?.info_kind === 'vxlan' && data?.id === VXLAN_VNI && data.port === VXLAN_PORT && data.local === nodeIP;
  if (existing && !fits) await run(['ip', 'link', 'del', VXLAN_DEVICE]);
  if (!fits) {
    const underlay = await linkOf(nodeIP);
    await run(['ip', 'link', 'add', VXLAN_DEVICE, ...(underlay?.mtu ? ['mtu', String(underlay.mtu - VXLAN_OVERHEAD)] : []),
      'type', 'vxlan', 'id', String(VXLAN_VNI), 'local', nodeIP, 'dstport', String(VXLAN_PORT), 'nolearning', ...(underlay ? ['dev', underlay.ifname] : [])]);
  }
  await run(['ip', 'link', 'set', VXLAN_DEVICE, 'up']);
  const [link] = await json<LinkDetail>(['ip', '-j', 'link', 'show', VXLAN_DEVICE]);
  if (!link?.address) throw new Error(`${VXLAN_DEVICE} has no MAC address`);
  return link.address.toLowerCase();
}

/**
 * Gives flannel.1 the network address of this node's podCIDR as a /32 and
 * no other IPv4 address (flannel's vxlan configureIPv4: a node whose
 * podCIDR changed drops the old one).
 */
export async function ensureVxlanAddress(network: string): Promise<void> {
  const [dev] = await json<{ addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }> }>(['ip', '-j', '-4', 'addr', 'show', 'dev', VXLAN_DEVICE]);
  const have = (dev?.addr_info ?? []).filter((a) => a.family === 'inet');
  for (const a of have) if (a.local !== network || a.prefixlen !== 32) await run(['ip', 'addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', VXLAN_DEVICE]);
  if (!have.some((a) => a.local === network && a.prefixlen === 32)) await run(['ip', 'addr', 'add', `${network}/32`, 'dev', VXLAN_DEVICE]);
}

/** The link holding `ip`, if any. */
async function linkOf(ip: string): Promise<{ ifname: string; mtu?: number } | undefined> {
  const addrs = await json<{ ifname: string; mtu?: number; addr_info?: Array<{ local?: string }> }>(['ip', '-j', '-4', 'addr', 'show']);
  return addrs.find((a) => a.addr_info?.some((i) => i.local === ip));
}

/** Replaces flannel's chains with `rules` and makes sure the built-in chains jump to them. */
export async function applyMasquerade(rules: string): Promise<void> {
  await run(['iptables-restore', '--noflush'], rules);
  for (const [table, chain, spec] of JUMPS) {
    try {
      await run(['iptables', '-w', '5', '-t', table, '-C', chain, ...spec]);
    } catch {
      await run(['iptables', '-w', '5', '-t', table, '-A', chain, ...spec]);
    }
  }
}
