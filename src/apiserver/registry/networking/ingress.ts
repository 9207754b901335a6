/**
 * networking.k8s.io/v1 Ingress (upstream pkg/registry/networking/ingress/strategy.go,
 * pkg/apis/networking/validation ValidateIngressSpec).
 */
import type { HTTPIngressPath, Ingress, IngressBackend, IngressSpec } from 'kubernetes-types/networking/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import {
  isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName, isValidPortName, isValidPortNum, parseIP,
} from '../../../api/validation/names.js';
import type { Strategy } from '../strategy.js';
import { specStatusHooks } from '../apps/spec-status.js';

export const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

/** A host may be a wildcard (`*.example.com`): `*.` then a subdomain. */
function hostErrors(host: string): string[] {
  if (host.includes('*')) {
    const rest = host.startsWith('*.') ? host.slice(2) : '';
    if (!rest || rest.includes('*')) {
      return ["a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"];
    }
    return isDNS1123Subdomain(rest);
  }
  return isDNS1123Subdomain(host);
}

export function validateIngressBackend(b: IngressBackend, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (b.resource && b.service) return [invalidValue(path, '', 'cannot set both resource and service backends')];
  if (b.resource) {
    const rp = path.child('resource');
    if (!b.resource.kind) errs.push(required(rp.child('kind')));
    if (!b.resource.name) errs.push(required(rp.child('name')));
    else errs.push(...isValidPathSegmentName(b.resource.name).map((m) => invalidValue(rp.child('name'), b.resource?.name, m)));
    if (b.resource.apiGroup) errs.push(...isDNS1123Subdomain(b.resource.apiGroup).map((m) => invalidValue(rp.child('apiGroup'), b.resource?.apiGroup, m)));
    return errs;
  }
  if (!b.service) return [invalidValue(path, '', 'resource or service backend is required')];
  const s = b.service;
  if (!s.name) errs.push(required(path.child('service', 'name')));
  else errs.push(...isDNS1035Label(s.name).map((m) => invalidValue(path.child('service', 'name'), s.name, m)));
  const portName = s.port?.name ?? '';
  const portNumber = s.port?.number ?? 0;
  if (portName && portNumber) errs.push(invalidValue(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...isValidPortName(portName).map((m) => invalidValue(path.child('service', 'port', 'name'), portName, m)));
  else if (portNumber) errs.push(...isValidPortNum(portNumber).map((m) => invalidValue(path.child('service', 'port', 'number'), portNumber, m)));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: HTTPIngressPath, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!p.pathType) {
    errs.push(required(path.child('pathType'), 'pathType must be specified'));
  } else if (!PATH_TYPES.includes(p.pathType)) {
    errs.push(notSupported(path.child('pathType'), p.pathType, PATH_TYPES));
  } else if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    const v = p.path ?? '';
    if (!v.startsWith('/')) errs.push(invalidValue(path.child('path'), v, 'must be an absolute path'));
    if (v.length > 0) {
      for (const seq of INVALID_PATH_SEQUENCES) if (v.includes(seq)) errs.push(invalidValue(path.child('path'), v, `must not contain '${seq}'`));
      for (const suf of INVALID_PATH_SUFFIXES) if (v.endsWith(suf)) errs.push(invalidValue(path.child('path'), v, `cannot end with '${suf}'`));
    }
  } else if (p.path && !p.path.startsWith('/')) {
    errs.push(invalidValue(path.child('path'), p.path, 'must be an absolute path'));
  }
  errs.push(...validateIngressBackend(p.backend ?? {}, path.child('backend')));
  return errs;
}

export function validateIngressSpec(spec: IngressSpec | undefined, path: FieldPath): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (!s.rules?.length && !s.defaultBackend) {
    errs.push(invalidValue(path, s.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (s.defaultBackend) errs.push(...validateIngressBackend(s.defaultBackend, path.child('defaultBackend')));
  (s.rules ?? []).forEach((rule, i) => {
    const rp = path.child('rules').index(i);
    if (rule.host) {
      if (parseIP(rule.host)) errs.push(invalidValue(rp.child('host'), rule.host, 'must be a DNS name, not an IP address'));
      errs.push(...hostErrors(rule.host).map((m) => invalidValue(rp.child('host'), rule.host, m)));
    }
    if (rule.http) {
      const hp = rp.child('http', 'paths');
      if (!rule.http.paths?.length) errs.push(required(hp));
      (rule.http.paths ?? []).forEach((p, j) => errs.push(...validatePath(p, hp.index(j))));
    }
  });
  (s.tls ?? []).forEach((t, i) => {
    (t.hosts ?? []).forEach((h, j) => {
      errs.push(...hostErrors(h).map((m) => invalidValue(path.child('tls').index(i).child('hosts').index(j), h, m)));
    });
  });
  if (s.ingressClassName !== undefined) {
    errs.push(...isDNS1123Subdomain(s.ingressClassName).map((m) => invalidValue(path.child('ingressClassName'), s.ingressClassName, m)));
  }
  return errs;
}

const ing = (o: WithMeta): Ingress => o as unknown as Ingress;

export const ingressStrategy: Strategy = {
  tracksGeneration: true,
  ...specStatusHooks,
  validate: (obj) => validateIngressSpec(ing(obj).spec, FieldPath.root('spec')),
};

