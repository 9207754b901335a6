/**
 * Facts about a pod as a Service backend, shared by the Endpoints and the
 * EndpointSlice controllers (upstream's endpointutil and podutil.FindPort):
 * whether it belongs in endpoints at all, which port a Service port targets
 * on it, its DNS hostname for the Service, and the services selecting it.
 */
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { selectorFromSet } from '../../api/selectors/index.js';

/**
 * Whether the pod may appear in a Service's endpoints: it has an IP, will
 * run again (a finished pod of restartPolicy Never, or a Succeeded one of
 * OnFailure, will not), and is not being deleted unless `includeTerminating`.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  const restart = pod.spec?.restartPolicy ?? 'Always';
  if (restart === 'Never' && (phase === 'Succeeded' || phase === 'Failed')) return false;
  if (restart === 'OnFailure' && phase === 'Succeeded') return false;
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/**
 * The container port that `servicePort` reaches on `pod`: the number itself
 * for a numeric targetPort, else the container port of that name and
 * protocol. Undefined when the pod has no such named port.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** The pod's hostname under the Service when spec.subdomain names the Service (headless DNS records). */
export function podHostname(pod: Pod, service: Service): string | undefined {
  const h = pod.spec?.hostname;
  return h && pod.spec?.subdomain === service.metadata?.name && service.metadata?.namespace === pod.metadata?.namespace ? h : undefined;
}

/** The Service has a selector, so its endpoints are computed from pods (not user-managed). */
export function serviceSelectsPods(service: Service): boolean {
  return service.spec?.selector !== undefined && service.spec?.selector !== null;
}

/** Whether the Service's selector matches `pod`. */
export function serviceSelects(service: Service, pod: Pod): boolean {
  if (!serviceSelectsPods(service)) return false;
  return selectorFromSet(service.spec!.selector).matches(pod.metadata?.labels ?? {});
}

/** A ClusterIP is set (not headless, not ExternalName). */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** The IP used for the pod in IPv4 endpoints: its first IPv4 pod IP. */
export function podIPv4(pod: Pod): string | undefined {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)].filter((ip): ip is string => !!ip);
  return ips.find((ip) => !ip.includes(':'));
}

/** Keys (`namespace/name`) of the services in `services` whose selector matches `pod`. */
export function servicesSelecting(services: readonly Service[], pod: Pod): string[] {
  const ns = pod.metadata?.namespace;
  return services
    .filter((s) => s.metadata?.namespace === ns && serviceSelects(s, pod))
    .map((s) => `${s.metadata!.namespace}/${s.metadata!.name}`);
}
