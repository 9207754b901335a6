/**
 * networking.k8s.io/v1 IngressClass (upstream pkg/registry/networking/ingressclass/strategy.go,
 * SetDefaults_IngressClass, ValidateIngressClass/Update): controller required and immutable.
 */
import type { IngressClass } from 'kubernetes-types/networking/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required, tooLong } from '../../../api/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../api/validation/names.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';

const MAX_CONTROLLER_LEN = 250;
const SCOPES = ['Cluster', 'Namespace'];

export function defaultIngressClass(ic: IngressClass): void {
  const params = ic.spec?.parameters;
  if (params && params.scope === undefined) params.scope = 'Cluster';
}

/** A domain-prefixed path: `example.com/ingress-controller`. */
function controllerErrors(c: string): string[] {
  const i = c.indexOf('/');
  if (i <= 0) return ['must be a domain-prefixed path (such as "acme.io/foo")'];
  return isDNS1123Subdomain(c.slice(0, i));
}

export function validateIngressClass(ic: IngressClass): FieldError[] {
  const sp = FieldPath.root('spec');
  const spec = ic.spec ?? {};
  const errs: FieldError[] = [];
  const c = spec.controller ?? '';
  if (!c) errs.push(required(sp.child('controller')));
  else if (c.length > MAX_CONTROLLER_LEN) errs.push(tooLong(sp.child('controller'), c, MAX_CONTROLLER_LEN));
  else errs.push(...controllerErrors(c).map((m) => invalidValue(sp.child('controller'), c, m)));
  const p = spec.parameters;
  if (p) {
    const pp = sp.child('parameters');
    if (!p.kind) errs.push(required(pp.child('kind')));
    if (!p.name) errs.push(required(pp.child('name')));
    if (p.scope !== undefined && !SCOPES.includes(p.scope)) errs.push(notSupported(pp.child('scope'), p.scope, SCOPES));
    if (p.scope === 'Namespace') {
      if (!p.namespace) errs.push(required(pp.child('namespace'), '`parameters.scope` is set to "Namespace"'));
      else errs.push(...isDNS1123Label(p.namespace).map((m) => invalidValue(pp.child('namespace'), p.namespace, m)));
    }
    if (p.scope === 'Cluster' && p.namespace !== undefined) {
      errs.push(forbiddenField(pp.child('namespace'), '`parameters.scope` is set to "Cluster"'));
    }
  }
  return errs;
}

const ic = (o: WithMeta): IngressClass => o as unknown as IngressClass;

export const ingressClassStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultIngressClass(ic(obj)),
  validate: (obj) => validateIngressClass(ic(obj)),
  validateUpdate: (obj, old) =>
    validateImmutableField(ic(obj).spec?.controller, ic(old).spec?.controller, FieldPath.root('spec', 'controller')),
};
