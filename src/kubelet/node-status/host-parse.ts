/**
 * Pure parsers of what the host says about itself (/proc, /etc, /sys), kept
 * apart from the reads so that fixtures can test them.
 */
import type { NetworkInterfaceInfo } from 'node:os';

/** /proc/meminfo as bytes per field (`MemTotal: 16318412 kB` -> 16710053888). */
export function parseMemInfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!m) continue;
    out[m[1]!] = Number(m[2]) * (line.trimEnd().endsWith('kB') ? 1024 : 1);
  }
  return out;
}

/**
 * PRETTY_NAME of an os-release file (values may be quoted, with shell
 * escapes); "Linux" when absent, as upstream's cadvisor falls back.
 */
export function parseOsRelease(text: string): string {
  for (const line of text.split('\n')) {
    const m = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[1]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    v = v.replace(/\\(["'$`\\])/g, '$1');
    if (v) return v;
  }
  return 'Linux';
}

/** Node's process.arch in Go's GOARCH words, which Kubernetes uses (`x64` -> `amd64`). */
export function goArch(nodeArch: string, endianness: 'LE' | 'BE' = 'LE'): string {
  switch (nodeArch) {
    case 'x64': return 'amd64';
    case 'ia32': return '386';
    case 'arm64': return 'arm64';
    case 'arm': return 'arm';
    case 'ppc64': return endianness === 'LE' ? 'ppc64le' : 'ppc64';
    case 'mips': return endianness === 'LE' ? 'mipsle' : 'mips';
    case 'mipsel': return 'mipsle';
    case 'loong64': return 'loong64';
    default: return nodeArch; // riscv64, s390x: the same word
  }
}

/**
 * The interface of the IPv4 default route in /proc/net/route (destination
 * 00000000, mask 00000000), lowest metric first; undefined when none.
 */
export function parseDefaultRouteInterface(text: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, destination, , , , , metric, mask] = f;
    if (destination !== '00000000' || mask !== '00000000') continue;
    const m = Number.parseInt(metric!, 10);
    if (!best || m < best.metric) best = { iface: iface!, metric: m };
  }
  return best?.iface;
}

/**
 * The node's InternalIP as upstream picks it without --node-ip: the first
 * IPv4 address of the default-route interface that is not loopback or
 * link-local; failing that, the first such address of any interface.
 */
export function pickInternalIP(interfaces: Record<string, NetworkInterfaceInfo[] | undefined>, defaultInterface?: string): string | undefined {
  const usable = (a: NetworkInterfaceInfo): boolean => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.');
  if (defaultInterface) {
    const a = interfaces[defaultInterface]?.find(usable);
    if (a) return a.address;
  }
  for (const addrs of Object.values(interfaces)) {
    const a = addrs?.find(usable);
    if (a) return a.address;
  }
  return undefined;
}

/** Total tasks from /proc/loadavg's fourth field (`running/total`); upstream reads it because sysinfo(2) truncates. */
export function parseLoadavgProcesses(text: string): number | undefined {
  const m = /^\S+\s+\S+\s+\S+\s+\d+\/(\d+)/.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

/** A machine-id or boot_id file: its first line, trimmed, dashes kept. */
export function parseIdFile(text: string): string {
  return text.split('\n')[0]!.trim();
}
