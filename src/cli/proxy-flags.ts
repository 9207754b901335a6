/**
 * kube-proxy's flags on a node (`k8ts agent`, and `k8ts server` for its own
 * node): upstream's --proxy-mode, and k3s's --disable-kube-proxy.
 */
import { UsageError } from './usage-error.js';

export const PROXY_MODES = ['iptables', 'nftables', 'userspace'] as const;
export type ProxyMode = typeof PROXY_MODES[number];

export const PROXY_FLAGS = {
  'proxy-mode': { type: 'string' },
  'disable-kube-proxy': { type: 'boolean' },
} as const;

export const PROXY_FLAGS_HELP = `  --proxy-mode MODE                  kube-proxy's mode: iptables (default), nftables or userspace
  --disable-kube-proxy               Run no kube-proxy on this node (Services then need another proxy)
`;

/** The mode kube-proxy runs in, or undefined when it is disabled; throws a UsageError on an unknown mode. */
export function proxyModeOf(values: { 'proxy-mode'?: string | undefined; 'disable-kube-proxy'?: boolean | undefined }): ProxyMode | undefined {
  const mode = values['proxy-mode'] ?? 'iptables';
  if (!(PROXY_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`invalid --proxy-mode ${JSON.stringify(mode)}: want one of ${PROXY_MODES.join(', ')}`);
  }
  return values['disable-kube-proxy'] ? undefined : mode as ProxyMode;
}
