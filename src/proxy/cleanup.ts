/**
 * Removing another mode's rules when kube-proxy starts in a mode (upstream's
 * CleanupLeftovers of each proxier, which cmd/kube-proxy runs for the modes
 * it is not using):
 * - iptables mode: the KUBE-* chains kube-proxy made in the nat, filter and
 *   mangle tables, and every rule elsewhere (the hook jumps) that targets
 *   them, in one iptables-restore;
 * - userspace mode: its portal and NodePort chains, the same way;
 * - nftables mode: the `kube-proxy` tables of the ip and ip6 families.
 * Unlike upstream, KUBE-MARK-MASQ and KUBE-FIREWALL go too: in k8ts only
 * kube-proxy makes them (upstream keeps them for the kubelet).
 */
import type { Runner } from './exec.js';
import { KUBE_PROXY_TABLE } from './nftables/rules.js';

const IPTABLES_MODE_CHAINS = new Set([
  'KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', 'KUBE-FORWARD',
  'KUBE-PROXY-FIREWALL', 'KUBE-FIREWALL', 'KUBE-PROXY-CANARY',
]);
const IPTABLES_MODE_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-', 'KUBE-SEP-'];
export const USERSPACE_CHAINS = new Set(['KUBE-PORTALS-CONTAINER', 'KUBE-PORTALS-HOST', 'KUBE-NODEPORT-CONTAINER', 'KUBE-NODEPORT-HOST', 'KUBE-NODEPORT-NON-LOCAL']);

const isIPTablesModeChain = (c: string): boolean => IPTABLES_MODE_CHAINS.has(c) || IPTABLES_MODE_PREFIXES.some((p) => c.startsWith(p));

/**
 * The iptables-restore --noflush input that removes the chains `ours`
 * selects from `save` (iptables-save output of several tables): rules in
 * other chains jumping to them are deleted (`-D` with the saved spec), then
 * each chain is flushed and deleted. '' when there is nothing to remove.
 */
export function iptablesCleanupText(save: string, ours: (chain: string) => boolean): string {
  const out: string[] = [];
  let table = '';
  let section: string[] = [];
  let chains: string[] = [];
  const flush = (): void => {
    if (table && (section.length || chains.length)) {
      out.push(`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...section, ...chains.map((c) => `-X ${c}`), 'COMMIT');
    }
    section = [];
    chains = [];
  };
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) { flush(); table = line.slice(1).trim(); continue; }
    if (line.startsWith(':')) {
      const c = line.slice(1).split(' ')[0]!;
      if (ours(c)) chains.push(c);
      continue;
    }
    const m = /^-A (\S+) (.*)$/.exec(line);
    if (!m || ours(m[1]!)) continue;
    const target = /(?:^| )-[jg] (\S+)/.exec(m[2]!)?.[1];
    if (target && ours(target)) section.push(`-D ${m[1]} ${m[2]}`);
  }
  flush();
  return out.length ? `${out.join('\n')}\n` : '';
}

async function cleanupIPTablesChains(runner: Runner, binary: string, ours: (chain: string) => boolean): Promise<number> {
  const save = await runner.run([`${binary}-save`], { timeoutMs: 60_000 });
  if (save.code !== 0) throw new Error(`${binary}-save: ${save.stderr.trim() || `exit ${save.code}`}`);
  const text = iptablesCleanupText(save.stdout, ours);
  if (!text) return 0;
  const r = await runner.run([`${binary}-restore`, '-w', '5', '--noflush'], { stdin: text, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${binary}-restore (cleanup): ${r.stderr.trim() || `exit ${r.code}`}`);
  return text.split('\n').filter((l) => l.startsWith('-X ')).length;
}

/** Deletes the iptables mode's chains and hook jumps; resolves with the number of chains deleted. Rejects when iptables cannot run or the restore fails (nothing changed then). */
export function cleanupIPTablesModeLeftovers(runner: Runner, binary = 'iptables'): Promise<number> {
  return cleanupIPTablesChains(runner, binary, isIPTablesModeChain);
}

/** Deletes the userspace mode's chains and hook jumps. */
export function cleanupUserspaceLeftovers(runner: Runner, binary = 'iptables'): Promise<number> {
  return cleanupIPTablesChains(runner, binary, (c) => USERSPACE_CHAINS.has(c));
}

/** Deletes the `kube-proxy` table of the ip and ip6 families; resolves with how many existed. */
export async function cleanupNFTablesLeftovers(runner: Runner, binary = 'nft'): Promise<number> {
  let deleted = 0;
  for (const family of ['ip', 'ip6']) {
    const r = await runner.run([binary, 'delete', 'table', family, KUBE_PROXY_TABLE], { timeoutMs: 60_000 });
    if (r.code === 0) deleted++;
    else if (!/No such file or directory/.test(r.stderr)) throw new Error(`nft delete table ${family} ${KUBE_PROXY_TABLE}: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
  return deleted;
}
