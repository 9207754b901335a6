/**
 * Services: printService, getServiceExternalIP and makePortString in
 * pkg/printers/internalversion/printers.go.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ServiceSpecDoc } from '../descriptions.js';
import { as, formatLabels } from '../format.js';

/** Unique load-balancer ingress IPs (else hostnames), sorted. The server prints wide, so never clipped. */
function loadBalancerIngress(svc: Service): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  return [...set].sort().join(',');
}

/** The type the API defaults an unset `spec.type` to. */
function serviceType(svc: Service): string {
  return svc.spec?.type || 'ClusterIP';
}

export function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (serviceType(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** "80/TCP,443:30001/TCP". */
export function servicePorts(ports: ServicePort[] | undefined): string {
  return (ports ?? []).map((p) => {
    const proto = p.protocol || 'TCP';
    return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
  }).join(',');
}

/** ClusterIPs[0] of the internal type: clusterIP, which validation keeps equal to clusterIPs[0]. */
function clusterIP(svc: Service): string {
  return svc.spec?.clusterIP || svc.spec?.clusterIPs?.[0] || '<none>';
}

export const serviceConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Type', 'string', ServiceSpecDoc.type),
    col('Cluster-IP', 'string', ServiceSpecDoc.clusterIP),
    col('External-IP', 'string', ServiceSpecDoc.externalIPs),
    col('Port(s)', 'string', ServiceSpecDoc.ports),
    AGE_COLUMN,
    wide('Selector', 'string', ServiceSpecDoc.selector),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const svc = as<Service>(obj);
    return [
      svc.metadata?.name ?? '',
      serviceType(svc),
      clusterIP(svc),
      serviceExternalIP(svc),
      servicePorts(svc.spec?.ports) || '<none>',
      translateTimestampSince(svc.metadata?.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
