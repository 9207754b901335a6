/**
 * kube-proxy's per-service chain names (pkg/proxy/iptables/proxier.go
 * portProtoHash, servicePortEndpointChainName): prefix + the first 16
 * characters of base32 (RFC 4648, A-Z2-7) of SHA-256 of the service port
 * name + lowercase protocol [+ `ip:port`], so the name fits iptables' 28
 * characters.
 */
import { hash } from 'node:crypto';

export const SVC_PREFIX = 'KUBE-SVC-';
export const SVL_PREFIX = 'KUBE-SVL-';
export const EXT_PREFIX = 'KUBE-EXT-';
export const FW_PREFIX = 'KUBE-FW-';
export const SEP_PREFIX = 'KUBE-SEP-';
const SERVICE_CHAIN_PREFIXES = [SVC_PREFIX, SVL_PREFIX, EXT_PREFIX, FW_PREFIX, SEP_PREFIX];

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first `chars` characters of the standard base32 encoding of `bytes`. */
function base32Prefix(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
      if (out.length === chars) return out;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function hash16(s: string): string {
  return base32Prefix(hash('sha256', s, 'buffer'), 16);
}

/** `protocol` is lowercase (tcp, udp, sctp). */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol);
}

export const serviceChainName = (sp: string, proto: string): string => SVC_PREFIX + portProtoHash(sp, proto);
export const serviceLocalChainName = (sp: string, proto: string): string => SVL_PREFIX + portProtoHash(sp, proto);
export const externalChainName = (sp: string, proto: string): string => EXT_PREFIX + portProtoHash(sp, proto);
export const firewallChainName = (sp: string, proto: string): string => FW_PREFIX + portProtoHash(sp, proto);
/** `endpoint` is `ip:port` (`[ip]:port` for IPv6). */
export const endpointChainName = (sp: string, proto: string, endpoint: string): string => SEP_PREFIX + hash16(sp + proto + endpoint);

/** A chain kube-proxy creates per service or endpoint (and deletes when stale). */
export function isServiceChainName(chain: string): boolean {
  return SERVICE_CHAIN_PREFIXES.some((p) => chain.startsWith(p));
}
