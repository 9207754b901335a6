/**
 * nftables-mode object names (pkg/proxy/nftables/proxier.go hashAndTruncate,
 * servicePortChainNameBase, servicePortEndpointChainNameBase): a readable
 * base `<ns>/<svc>/<proto>/<portName>` (endpoints: `__<ip>/<port>`, IPv6
 * `:` written `.`) prefixed by the first 8 characters of base32(SHA-256)
 * of that base, e.g. `ULMVA6XW-ns1/svc1/tcp/p80`. Bases over 240
 * characters (knftables' 256 minus 16 for the prefix) end in `...`.
 */
import { createHash } from 'node:crypto';

export const SERVICE_PREFIX = 'service-';
export const LOCAL_PREFIX = 'local-';
export const EXTERNAL_PREFIX = 'external-';
export const FIREWALL_PREFIX = 'firewall-';
export const ENDPOINT_PREFIX = 'endpoint-';
export const AFFINITY_PREFIX = 'affinity-';

const BASE_LENGTH_MAX = 256 - 16;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32First8(b: Uint8Array): string {
  // 8 characters are the first 40 bits: 5 from the top 32 (b0..b3), then 8 bits of b4.
  const hi = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const lo = b[4]!;
  let out = '';
  for (let i = 0; i < 6; i++) out += ALPHABET[(hi >>> (27 - 5 * i)) & 31];
  out += ALPHABET[((hi & 3) << 3) | (lo >>> 5)];
  out += ALPHABET[lo & 31];
  return out;
}

export function hashAndTruncate(name: string): string {
  const full = `${base32First8(createHash('sha256').update(name).digest())}-${name}`;
  return full.length > BASE_LENGTH_MAX ? `${full.slice(0, BASE_LENGTH_MAX - 3)}...` : full;
}

/** `protocol` lowercase; `portName` '' when the port is unnamed. */
export function servicePortChainNameBase(namespace: string, name: string, protocol: string, portName: string): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol}/${portName}`);
}

/** `endpoint` is `ip:port` or `[ip6]:port`. */
export function endpointChainNameBase(namespace: string, name: string, protocol: string, portName: string, endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  const ip = endpoint.slice(0, colon).replace(/^\[|\]$/g, '').replaceAll(':', '.');
  return hashAndTruncate(`${namespace}/${name}/${protocol}/${portName}__${ip}/${endpoint.slice(colon + 1)}`);
}

/** Per-service and per-endpoint chains are the only ones with a `/` in their name. */
export function isServiceChainName(chain: string): boolean {
  return chain.includes('/');
}

export function isAffinitySetName(set: string): boolean {
  return set.startsWith(AFFINITY_PREFIX);
}
