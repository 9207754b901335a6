/**
 * Ingresses: printIngress, formatHosts and formatPorts in pkg/printers/internalversion/printers.go.
 */
import type { Ingress, IngressRule } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { as } from '../format.js';

/** Up to three hosts, "+ N more..." counting every further rule; "*" when no rule names a host. */
function formatHosts(rules: IngressRule[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    if (!more && r.host) list.push(r.host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

/** Unique load-balancer IPs (else hostnames), sorted; never clipped, as the server prints wide. */
function address(ing: Ingress): string {
  const set = new Set<string>();
  for (const i of ing.status?.loadBalancer?.ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

export const ingressConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ing = as<Ingress>(obj);
    return [
      ing.metadata?.name ?? '',
      ing.spec?.ingressClassName ?? '<none>',
      formatHosts(ing.spec?.rules ?? []),
      address(ing),
      (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      translateTimestampSince(ing.metadata?.creationTimestamp, now),
    ];
  },
};
