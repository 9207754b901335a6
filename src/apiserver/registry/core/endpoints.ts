/**
 * Endpoints (upstream's SetDefaults_EndpointPort and ValidateEndpoints):
 * addresses are IPs, ports valid and named when there are several.
 */
import type { Endpoints, EndpointAddress } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { duplicate, FieldPath, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum } from '../../../api/validation/names.js';
import type { Strategy } from '../strategy.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const asEndpoints = (o: KubeObject): Endpoints => o as Endpoints;

export function defaultEndpoints(ep: Endpoints): void {
  for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
}

function validateAddress(a: EndpointAddress, path: FieldPath): FieldError[] {
  const errs = isValidIP(a.ip ?? '').map((m) => invalidValue(path.child('ip'), a.ip ?? '', m));
  if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((m) => invalidValue(path.child('hostname'), a.hostname, m)));
  if (a.nodeName) errs.push(...isDNS1123Subdomain(a.nodeName).map((m) => invalidValue(path.child('nodeName'), a.nodeName, m)));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((s, i) => {
    const p = FieldPath.root('subsets').index(i);
    if (!(s.addresses ?? []).length && !(s.notReadyAddresses ?? []).length) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (s.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, p.child('addresses').index(j))));
    (s.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, p.child('notReadyAddresses').index(j))));
    const ports = s.ports ?? [];
    const names = new Set<string>();
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      if (ports.length > 1 && !port.name) errs.push(required(pp.child('name')));
      else if (port.name) {
        errs.push(...isDNS1123Label(port.name).map((m) => invalidValue(pp.child('name'), port.name, m)));
        if (names.has(port.name)) errs.push(duplicate(pp.child('name'), port.name));
        names.add(port.name);
      }
      errs.push(...isValidPortNum(port.port).map((m) => invalidValue(pp.child('port'), port.port, m)));
      if (!port.protocol) errs.push(required(pp.child('protocol')));
      else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(pp.child('protocol'), port.protocol, PROTOCOLS));
    });
  });
  return errs;
}

export const endpointsStrategy: Strategy = {
  defaults: (obj) => defaultEndpoints(asEndpoints(obj)),
  validate: (obj) => validateEndpoints(asEndpoints(obj)),
};
