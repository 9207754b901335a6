/**
 * flannel's iptables rules (its pkg/trafficmngr/iptables masqRules and
 * forwardRules), as an iptables-restore input that replaces only flannel's
 * own chains: pod-to-pod inside the cluster CIDR is never masqueraded,
 * pod egress leaves with the node's address (MASQUERADE --random-fully),
 * packets kube-proxy marked for masquerading (0x4000) are left to it, and
 * traffic from or to the cluster CIDR is accepted in FORWARD.
 */
export const POSTROUTING_CHAIN = 'FLANNEL-POSTRTG';
export const FORWARD_CHAIN = 'FLANNEL-FWD';
/** kube-proxy's KUBE-MARK-MASQ bit (flannel's trafficmngr.KubeProxyMark). */
const KUBE_PROXY_MARK = '0x4000/0x4000';

/** The jumps into flannel's chains: [table, built-in chain, rule spec]. */
export const JUMPS: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['nat', 'POSTROUTING', ['-m', 'comment', '--comment', 'flanneld masq', '-j', POSTROUTING_CHAIN]],
  ['filter', 'FORWARD', ['-m', 'comment', '--comment', 'flanneld forward', '-j', FORWARD_CHAIN]],
];

/**
 * iptables-restore --noflush input: declaring a chain flushes it, so the
 * chains end up holding exactly these rules however often it is applied.
 */
export function masqueradeRules(clusterCidr: string, podCidr: string): string {
  const masq = '-m comment --comment "flanneld masq"';
  const fwd = '-m comment --comment "flanneld forward"';
  return [
    '*nat',
    `:${POSTROUTING_CHAIN} - [0:0]`,
    `-A ${POSTROUTING_CHAIN} -m mark --mark ${KUBE_PROXY_MARK} ${masq} -j RETURN`,
    `-A ${POSTROUTING_CHAIN} -s ${podCidr} -d ${clusterCidr} ${masq} -j RETURN`,
    `-A ${POSTROUTING_CHAIN} -s ${clusterCidr} -d ${podCidr} ${masq} -j RETURN`,
    `-A ${POSTROUTING_CHAIN} ! -s ${clusterCidr} -d ${podCidr} ${masq} -j RETURN`,
    `-A ${POSTROUTING_CHAIN} -s ${clusterCidr} ! -d 224.0.0.0/4 ${masq} -j MASQUERADE --random-fully`,
    `-A ${POSTROUTING_CHAIN} ! -s ${clusterCidr} -d ${clusterCidr} ${masq} -j MASQUERADE --random-fully`,
    'COMMIT',
    '*filter',
    `:${FORWARD_CHAIN} - [0:0]`,
    `-A ${FORWARD_CHAIN} -s ${clusterCidr} ${fwd} -j ACCEPT`,
    `-A ${FORWARD_CHAIN} -d ${clusterCidr} ${fwd} -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');
}
