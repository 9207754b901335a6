/**
 * UDP conntrack cleanup (upstream's pkg/proxy/conntrack/cleanup.go): UDP
 * has no connection to end, so a conntrack entry DNATed to an endpoint that
 * is gone (or made while the service had none) would keep blackholing the
 * client's packets. After a successful sync, for every UDP service port
 * with at least one serving endpoint, entries whose original destination is
 * one of its service IPs and port (cluster IP, external IPs, LB IPs) or its
 * NodePort, and whose reply source is not a serving endpoint, are deleted.
 * Uses the `conntrack` binary (Debian package conntrack).
 */
import type { ProxySnapshot } from './change-tracker.js';
import type { Runner } from './exec.js';
import { servicePortKey } from './service-port.js';

export interface ConntrackEntry {
  origDst: string;
  origDport: number;
  replySrc: string;
}

/** The entries of `conntrack -L -p udp` output (lines it cannot read are skipped). */
export function parseConntrackList(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const line of text.split('\n')) {
    const src = [...line.matchAll(/\bsrc=(\S+)/g)].map((m) => m[1]!);
    const dst = [...line.matchAll(/\bdst=(\S+)/g)].map((m) => m[1]!);
    const dport = [...line.matchAll(/\bdport=(\d+)/g)].map((m) => Number(m[1]));
    if (src.length < 2 || dst.length < 1 || dport.length < 1) continue;
    out.push({ origDst: dst[0]!, origDport: dport[0]!, replySrc: src[1]! });
  }
  return out;
}

/** A deletion: `conntrack -D -p udp [--orig-dst ip] --dport port --reply-src src`. */
export interface StaleFlow { origDst?: string; dport: number; replySrc: string }

/**
 * The entries to delete. `nodeIPs`: addresses a NodePort entry's original
 * destination may have; an entry to one of them on a NodePort counts.
 */
export function staleUdpFlows(snapshot: ProxySnapshot, entries: readonly ConntrackEntry[], nodeIPs: readonly string[]): StaleFlow[] {
  const byServiceIP = new Map<string, Set<string>>();
  const byNodePort = new Map<number, Set<string>>();
  for (const svc of snapshot.servicePorts) {
    if (svc.protocol !== 'UDP') continue;
    // Serving, whatever the traffic policy, topology or terminating state (upstream ignores those here).
    const serving = new Set((snapshot.endpoints.get(servicePortKey(svc)) ?? []).filter((e) => e.serving).map((e) => e.ip));
    if (serving.size === 0) continue;
    for (const ip of [svc.clusterIP, ...svc.externalIPs, ...svc.loadBalancerVIPs]) byServiceIP.set(`${ip}:${svc.port}`, serving);
    if (svc.nodePort) byNodePort.set(svc.nodePort, serving);
  }
  const out: StaleFlow[] = [];
  const seen = new Set<string>();
  const nodes = new Set(nodeIPs);
  for (const e of entries) {
    let flow: StaleFlow | undefined;
    const serving = byServiceIP.get(`${e.origDst}:${e.origDport}`);
    if (serving && !serving.has(e.replySrc)) flow = { origDst: e.origDst, dport: e.origDport, replySrc: e.replySrc };
    const np = byNodePort.get(e.origDport);
    if (!flow && np && (nodes.size === 0 || nodes.has(e.origDst)) && !np.has(e.replySrc)) flow = { dport: e.origDport, replySrc: e.replySrc };
    if (!flow) continue;
    const k = `${flow.origDst ?? ''}|${flow.dport}|${flow.replySrc}`;
    if (!seen.has(k)) { seen.add(k); out.push(flow); }
  }
  return out;
}

/** Lists UDP entries and deletes the stale ones; resolves with the number of deletions. Rejects when conntrack cannot run. */
export async function cleanStaleUdpEntries(runner: Runner, snapshot: ProxySnapshot, nodeIPs: readonly string[]): Promise<number> {
  if (!snapshot.servicePorts.some((s) => s.protocol === 'UDP')) return 0;
  const list = await runner.run(['conntrack', '-L', '-p', 'udp'], { timeoutMs: 30_000 });
  if (list.code !== 0) throw new Error(`conntrack -L: ${list.stderr.trim() || `exit ${list.code}`}`);
  const flows = staleUdpFlows(snapshot, parseConntrackList(list.stdout), nodeIPs);
  for (const f of flows) {
    // Exit 1 with "0 flow entries have been deleted" is harmless: the entry expired meanwhile.
    await runner.run(['conntrack', '-D', '-p', 'udp', ...(f.origDst ? ['--orig-dst', f.origDst] : []), '--dport', String(f.dport), '--reply-src', f.replySrc],
      { timeoutMs: 30_000 });
  }
  return flows.length;
}
