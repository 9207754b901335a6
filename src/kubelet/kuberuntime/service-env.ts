/**
 * Service environment variables (upstream's getServiceEnvVarMap in
 * pkg/kubelet/kubelet_pods.go and pkg/kubelet/envvars/envvars.go): for each
 * Service with a cluster IP, `<SVC>_SERVICE_HOST`, `<SVC>_SERVICE_PORT`,
 * `<SVC>_SERVICE_PORT_<PORTNAME>` and the Docker link variables.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { PodObjects } from '../pod-objects.js';

/** Upstream's masterServices: their variables reach every pod, enableServiceLinks or not. */
const MASTER_SERVICES = new Set(['kubernetes']);

/**
 * The service variables of a pod in `namespace`: the `kubernetes` Service
 * of `default` always, and when `enableServiceLinks` every Service of
 * `namespace` (which wins over `default`'s for the same name). Headless
 * and ExternalName Services (no cluster IP) have none.
 */
export async function serviceEnvVarMap(objects: PodObjects, namespace: string, enableServiceLinks: boolean): Promise<Map<string, string>> {
  const chosen = new Map<string, Service>();
  for (const s of await objects.services('default')) {
    if (isServiceIPSet(s) && MASTER_SERVICES.has(s.metadata?.name ?? '')) chosen.set(s.metadata!.name!, s);
  }
  if (enableServiceLinks) {
    for (const s of await objects.services(namespace)) if (isServiceIPSet(s)) chosen.set(s.metadata?.name ?? '', s);
  }
  return new Map(fromServices([...chosen.values()]).map((e) => [e.name, e.value]));
}

export function isServiceIPSet(s: Service): boolean {
  const ip = s.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

/** Upstream's makeEnvVariableName: upper case, '-' to '_'. */
export function envVariableName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/** The variables of `services`, in upstream's order per Service. A Service without ports has none. */
export function fromServices(services: readonly Service[]): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const s of services) {
    const ports = s.spec?.ports ?? [];
    if (!isServiceIPSet(s) || ports.length === 0) continue;
    const prefix = envVariableName(s.metadata?.name ?? '');
    const ip = s.spec!.clusterIP!;
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
    for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVariableName(p.name)}`, value: String(p.port) });
    out.push(...linkVariables(prefix, ip, ports));
  }
  return out;
}

/** Docker's link variables; the first port also gives `<SVC>_PORT`. */
function linkVariables(prefix: string, ip: string, ports: NonNullable<NonNullable<Service['spec']>['ports']>): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const host = ip.includes(':') ? `[${ip}]` : ip;
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const url = `${proto}://${host}:${p.port}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push({ name: pp, value: url }, { name: `${pp}_PROTO`, value: proto }, { name: `${pp}_PORT`, value: String(p.port) }, { name: `${pp}_ADDR`, value: ip });
  });
  return out;
}
