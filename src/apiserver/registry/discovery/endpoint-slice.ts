/**
 * discovery.k8s.io/v1 EndpointSlice (upstream pkg/registry/discovery/endpointslice/strategy.go,
 * SetDefaults_EndpointPort, pkg/apis/discovery/validation): addressType required and immutable.
 */
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, duplicate, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import {
  isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIPv4Address, isValidIPv6Address,
} from '../../../api/validation/names.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';

export const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

const tooMany = (path: FieldPath, actual: number, max: number): FieldError =>
  ({ type: 'FieldValueTooMany', field: path.toString(), value: actual, detail: `must have at most ${max} items` });

/** Port name "" and protocol TCP when unset. */
export function defaultEndpointSlice(s: EndpointSlice): void {
  for (const p of s.ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

function addressErrors(addr: string, type: string): string[] {
  switch (type) {
    case 'IPv4': return isValidIPv4Address(addr);
    case 'IPv6': return isValidIPv6Address(addr);
    case 'FQDN': {
      const name = addr.endsWith('.') ? addr.slice(0, -1) : addr;
      const errs = isDNS1123Subdomain(name);
      if (name.split('.').length < 2) errs.push('should be a domain with at least two segments separated by dots');
      return errs;
    }
    default: return [];
  }
}

function validateEndpoints(eps: Endpoint[], type: string, path: FieldPath): FieldError[] {
  if (eps.length > MAX_ENDPOINTS) return [tooMany(path, eps.length, MAX_ENDPOINTS)];
  const errs: FieldError[] = [];
  eps.forEach((ep, i) => {
    const ap = path.index(i).child('addresses');
    const addrs = ep.addresses ?? [];
    if (addrs.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
    else if (addrs.length > MAX_ADDRESSES) errs.push(tooMany(ap, addrs.length, MAX_ADDRESSES));
    addrs.forEach((a, j) => errs.push(...addressErrors(a, type).map((m) => invalidValue(ap.index(j), a, m))));
    if (ep.nodeName !== undefined) {
      errs.push(...isDNS1123Subdomain(ep.nodeName).map((m) => invalidValue(path.index(i).child('nodeName'), ep.nodeName, m)));
    }
    if (ep.hostname !== undefined) {
      errs.push(...isDNS1123Label(ep.hostname).map((m) => invalidValue(path.index(i).child('hostname'), ep.hostname, m)));
    }
  });
  return errs;
}

function validatePorts(ports: EndpointPort[], path: FieldPath): FieldError[] {
  if (ports.length > MAX_PORTS) return [tooMany(path, ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const ip = path.index(i);
    const name = p.name ?? '';
    if (name) errs.push(...isDNS1123Label(name).map((m) => invalidValue(ip.child('name'), name, m)));
    if (names.has(name)) errs.push(duplicate(ip.child('name'), name)); else names.add(name);
    if (p.protocol === undefined) errs.push(required(ip.child('protocol')));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(ip.child('protocol'), p.protocol, PROTOCOLS));
    if (p.appProtocol !== undefined) {
      errs.push(...isQualifiedName(p.appProtocol).map((m) => invalidValue(ip.child('appProtocol'), p.appProtocol, m)));
    }
  });
  return errs;
}

export function validateEndpointSlice(s: EndpointSlice): FieldError[] {
  const errs: FieldError[] = [];
  const tp = FieldPath.root('addressType');
  if (!s.addressType) errs.push(required(tp));
  else if (!ADDRESS_TYPES.includes(s.addressType)) errs.push(notSupported(tp, s.addressType, ADDRESS_TYPES));
  errs.push(...validateEndpoints(s.endpoints ?? [], s.addressType ?? '', FieldPath.root('endpoints')));
  errs.push(...validatePorts(s.ports ?? [], FieldPath.root('ports')));
  return errs;
}

const es = (o: WithMeta): EndpointSlice => o as unknown as EndpointSlice;

export const endpointSliceStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultEndpointSlice(es(obj)),
  validate: (obj) => validateEndpointSlice(es(obj)),
  validateUpdate: (obj, old) => validateImmutableField(es(obj).addressType, es(old).addressType, FieldPath.root('addressType')),
};
