/**
 * Services (upstream's SetDefaults_Service, ValidateService,
 * ValidateServiceUpdate and pkg/registry/core/service). Cluster IPs and node
 * ports are allocated by the apiserver after validation, not here; this
 * strategy only says whether a service needs them.
 */
import type { Service, ServicePort, ServiceSpec } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { duplicate, FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import { validatePortNumOrName } from '../../../api/validation/container.js';
import { validateLabels } from '../../../api/validation/label-selector.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum, parseIP } from '../../../api/validation/names.js';
import type { Strategy } from '../strategy.js';
import { keepAllButStatus, keepStatus, setStatus } from './status.js';

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

const asService = (o: KubeObject): Service => o as Service;

function isHeadless(spec: ServiceSpec): boolean {
  return spec.clusterIP === 'None';
}

/** LoadBalancer, NodePort, or ClusterIP with externalIPs: upstream's ExternallyAccessible. */
function externallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort'
    || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
}

/**
 * Whether the service has a cluster IP: every type but ExternalName, unless
 * headless. The allocator allocates one when `spec.clusterIP` is empty and
 * reserves the given one otherwise.
 */
export function serviceNeedsClusterIP(svc: Service | KubeObject): boolean {
  const spec = (svc as Service).spec ?? {};
  return (spec.type ?? 'ClusterIP') !== 'ExternalName' && !isHeadless(spec);
}

/**
 * Whether the service's ports get node ports: NodePort, and LoadBalancer
 * unless allocateLoadBalancerNodePorts is false. Ports with a nodePort keep
 * it (the allocator reserves it); ports without get one.
 */
export function serviceNeedsNodePorts(svc: Service | KubeObject): boolean {
  const spec = (svc as Service).spec ?? {};
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ??= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  // clusterIP and clusterIPs[0] mirror each other (upstream's normalizeClusterIPs).
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  if (spec.type !== 'ExternalName') {
    if (isHeadless(spec) && Object.keys(spec.selector ?? {}).length === 0) {
      spec.ipFamilyPolicy ??= 'RequireDualStack';
    } else {
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    if (!spec.ipFamilies?.length) {
      const fam = spec.clusterIP && spec.clusterIP !== 'None' ? parseIP(spec.clusterIP)?.family : 4;
      spec.ipFamilies = [fam === 6 ? 'IPv6' : 'IPv4'];
    }
  }
  if (svc.status === undefined) setStatus(svc, { loadBalancer: {} });
}

function validatePorts(spec: ServiceSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((sp: ServicePort, i) => {
    const p = path.index(i);
    if (ports.length > 1 && !sp.name) errs.push(required(p.child('name')));
    else if (sp.name) {
      errs.push(...isDNS1123Label(sp.name).map((m) => invalidValue(p.child('name'), sp.name, m)));
      if (names.has(sp.name)) errs.push(duplicate(p.child('name'), sp.name));
      names.add(sp.name);
    }
    errs.push(...isValidPortNum(sp.port).map((m) => invalidValue(p.child('port'), sp.port, m)));
    if (!sp.protocol) errs.push(required(p.child('protocol')));
    else if (!PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(p.child('protocol'), sp.protocol, PROTOCOLS));
    if (spec.type !== 'ExternalName' || sp.targetPort !== undefined) errs.push(...validatePortNumOrName(sp.targetPort, p.child('targetPort')));
    if (sp.nodePort) {
      if (spec.type === 'ClusterIP') {
        errs.push(forbiddenField(p.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      } else if (sp.nodePort < NODE_PORT_RANGE.min || sp.nodePort > NODE_PORT_RANGE.max) {
        errs.push(invalidValue(p.child('nodePort'), sp.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
      }
      const npKey = `${sp.protocol}/${sp.nodePort}`;
      if (nodePorts.has(npKey)) errs.push(duplicate(p.child('nodePort'), sp.nodePort));
      nodePorts.add(npKey);
    }
    const key = `${sp.protocol}/${sp.port}`;
    if (seen.has(key)) errs.push(duplicate(p, { protocol: sp.protocol, port: sp.port }));
    seen.add(key);
  });
  return errs;
}

function validateClusterIPs(spec: ServiceSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  if (ips.length > 0 && ips[0] !== (spec.clusterIP ?? '')) {
    errs.push(invalidValue(path.child('clusterIPs'), ips, 'first value must match `clusterIP`'));
  }
  ips.forEach((ip, i) => {
    const p = path.child('clusterIPs').index(i);
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(invalidValue(p, ip, "'None' must be the first and only value"));
      return;
    }
    errs.push(...isValidIP(ip).map((m) => invalidValue(p, ip, m)));
  });
  if (ips.length > 2) errs.push(invalidValue(path.child('clusterIPs'), ips, 'may only hold up to 2 values'));
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec ?? {};
  const path = FieldPath.root('spec');
  const name = svc.metadata?.name ?? '';
  // Service names are DNS-1035 labels; the store checks them as DNS-1123 labels, so only the extra rule is added here.
  if (name && isDNS1123Label(name).length === 0) {
    errs.push(...isDNS1035Label(name).map((m) => invalidValue(FieldPath.root('metadata', 'name'), name, m)));
  }
  const type = spec.type ?? '';
  if (!SERVICE_TYPES.includes(type)) errs.push(notSupported(path.child('type'), type, SERVICE_TYPES));
  if (type === 'ExternalName') {
    if (spec.clusterIP) errs.push(forbiddenField(path.child('clusterIP'), 'may not be set for ExternalName services'));
    if (spec.clusterIPs?.length) errs.push(forbiddenField(path.child('clusterIPs'), 'may not be set for ExternalName services'));
    if (spec.ipFamilies?.length) errs.push(forbiddenField(path.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy) errs.push(forbiddenField(path.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    const en = (spec.externalName ?? '').replace(/\.$/, '');
    if (!en) errs.push(required(path.child('externalName')));
    else errs.push(...isDNS1123Subdomain(en).map((m) => invalidValue(path.child('externalName'), en, m)));
  } else {
    errs.push(...validateClusterIPs(spec, path));
  }
  if ((spec.ports ?? []).length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(required(path.child('ports')));
  errs.push(...validatePorts(spec, path.child('ports')));
  errs.push(...validateLabels(spec.selector, path.child('selector')));
  if (spec.sessionAffinity === undefined) errs.push(required(path.child('sessionAffinity')));
  else if (!['ClientIP', 'None'].includes(spec.sessionAffinity)) {
    errs.push(notSupported(path.child('sessionAffinity'), spec.sessionAffinity, ['ClientIP', 'None']));
  }
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
    errs.push(invalidValue(path.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'), timeout, 'must be greater than 0 and less than 86400'));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => {
    errs.push(...isValidIP(ip).map((m) => invalidValue(path.child('externalIPs').index(i), ip, m)));
  });
  if (!externallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) {
      errs.push(invalidValue(path.child('externalTrafficPolicy'), spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    }
  } else if (!spec.externalTrafficPolicy) {
    errs.push(required(path.child('externalTrafficPolicy')));
  } else if (!['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported(path.child('externalTrafficPolicy'), spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (type !== 'ExternalName') {
    if (!spec.internalTrafficPolicy) errs.push(required(path.child('internalTrafficPolicy')));
    else if (!['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
      errs.push(notSupported(path.child('internalTrafficPolicy'), spec.internalTrafficPolicy, ['Cluster', 'Local']));
    }
  }
  if (spec.ipFamilyPolicy !== undefined && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(path.child('ipFamilyPolicy'), spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(path.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']));
  });
  if (spec.healthCheckNodePort && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
    errs.push(invalidValue(path.child('healthCheckNodePort'), spec.healthCheckNodePort,
      'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(forbiddenField(path.child('allocateLoadBalancerNodePorts'), 'may only be used when `type` is \'LoadBalancer\''));
  }
  return errs;
}

/** The primary cluster IP may not change, except when the service changes to or from ExternalName. */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const oldSpec = old.spec ?? {};
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  const oldIPs = oldSpec.clusterIPs ?? (oldSpec.clusterIP ? [oldSpec.clusterIP] : []);
  const newIPs = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  if (oldIPs.length === 0) return [];
  if (newIPs[0] !== oldIPs[0]) {
    return [invalidValue(FieldPath.root('spec', 'clusterIPs').index(0), newIPs, 'may not change once set')];
  }
  return [];
}

/**
 * Upstream's patchAllocatedValues: an update that omits the cluster IP or the
 * node ports keeps the allocated ones, so that `kubectl replace` of a manifest
 * works.
 */
function keepAllocatedValues(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const oldSpec = old.spec ?? {};
  if (serviceNeedsClusterIP(old) && serviceNeedsClusterIP(svc)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!spec.clusterIPs?.length && oldSpec.clusterIPs?.length && spec.clusterIP === oldSpec.clusterIP) {
      spec.clusterIPs = deepClone(oldSpec.clusterIPs);
    }
  }
  if (serviceNeedsNodePorts(old) && serviceNeedsNodePorts(svc)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (oldSpec.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
  if (!spec.healthCheckNodePort && oldSpec.healthCheckNodePort && spec.type === 'LoadBalancer'
    && spec.externalTrafficPolicy !== 'Cluster') {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

export const serviceStrategy: Strategy = {
  nameRule: 'dns1123Label',
  defaults(obj) {
    defaultService(asService(obj));
  },
  prepareForCreate(obj) {
    setStatus(obj, { loadBalancer: {} });
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    keepAllocatedValues(asService(obj), asService(old));
  },
  validate(obj) {
    return validateService(asService(obj));
  },
  validateUpdate(obj, old) {
    return validateServiceUpdate(asService(obj), asService(old));
  },
  status: {
    prepareForUpdate: keepAllButStatus,
  },
};
