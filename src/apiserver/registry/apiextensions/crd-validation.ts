/**
 * Validation of apiextensions.k8s.io/v1 CustomResourceDefinitions (upstream's
 * pkg/apis/apiextensions/validation/validation.go), with upstream's field
 * paths. Upstream validates the internal version, into which a v1 CRD is
 * converted by hoisting per-version schema, subresources and printer columns
 * to spec.validation, spec.subresources and spec.additionalPrinterColumns
 * when every version carries the same value; error paths follow that.
 */
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { deepEqual } from '../../../api/object.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../../api/validation/names.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import { validateCrdSchema } from '../../../api/apiextensions/schema-checks.js';
import type {
  CustomResourceColumnDefinition, CustomResourceConversion, CustomResourceDefinition,
  CustomResourceDefinitionNames, CustomResourceDefinitionSpec, CustomResourceSubresources, CustomResourceValidation,
} from '../../../api/apiextensions/types.js';

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const CONVERSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
export const API_APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

/** What a v1 spec looks like after upstream's conversion to the internal version. */
interface Hoisted {
  validation?: CustomResourceValidation;
  subresources?: CustomResourceSubresources;
  columns?: CustomResourceColumnDefinition[];
}

/** The per-version value shared by every version, else undefined (upstream's hoisting). */
function shared<T>(spec: CustomResourceDefinitionSpec, pick: (v: CustomResourceDefinitionSpec['versions'][number]) => T | undefined): T | undefined {
  const vs = spec.versions ?? [];
  if (vs.length === 0) return undefined;
  const first = pick(vs[0]);
  if (first === undefined) return undefined;
  return vs.every((v) => deepEqual(pick(v), first)) ? first : undefined;
}

function hoist(spec: CustomResourceDefinitionSpec): Hoisted {
  const cols = shared(spec, (v) => (v.additionalPrinterColumns?.length ? v.additionalPrinterColumns : undefined));
  return {
    validation: shared(spec, (v) => v.schema),
    subresources: shared(spec, (v) => v.subresources),
    columns: cols,
  };
}

const joined = (errs: string[]): string => errs.join(',');

/** Upstream's ValidateCustomResourceDefinitionNames (spec.names and status.acceptedNames). */
export function validateNames(names: Partial<CustomResourceDefinitionNames>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const label = (v: string | undefined, f: string): void => {
    if (!v) return;
    const e = isDNS1035Label(v);
    if (e.length) errs.push(invalidValue(p.child(f), v, joined(e)));
  };
  label(names.plural, 'plural');
  label(names.singular, 'singular');
  for (const f of ['kind', 'listKind'] as const) {
    const v = names[f];
    if (!v) continue;
    const e = isDNS1035Label(v.toLowerCase());
    if (e.length) errs.push(invalidValue(p.child(f), v, `may have mixed case, but should otherwise match: ${joined(e)}`));
  }
  (names.shortNames ?? []).forEach((s, i) => {
    const e = isDNS1035Label(s);
    if (e.length) errs.push(invalidValue(p.child('shortNames').index(i), s, joined(e)));
  });
  if (names.kind && names.kind === names.listKind) errs.push(invalidValue(p.child('listKind'), names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c, i) => {
    const e = isDNS1035Label(c);
    if (e.length) errs.push(invalidValue(p.child('categories').index(i), c, joined(e)));
  });
  return errs;
}

function simpleJsonPath(s: string, p: FieldPath): FieldError[] {
  if (s.length === 0) return [invalidValue(p, s, 'must not be empty')];
  if (s[0] !== '.') return [invalidValue(p, s, 'must be a simple json path starting with .')];
  return [];
}

function validateColumn(c: CustomResourceColumnDefinition, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(p.child('name')));
  const types = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (!c.type) errs.push(required(p.child('type'), types));
  else if (!PRINTER_COLUMN_TYPES.includes(c.type)) errs.push(invalidValue(p.child('type'), c.type, types));
  if (c.format && !PRINTER_COLUMN_FORMATS.includes(c.format)) {
    errs.push(invalidValue(p.child('format'), c.format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  }
  if (!c.jsonPath) errs.push(required(p.child('JSONPath')));
  else errs.push(...simpleJsonPath(c.jsonPath, p.child('JSONPath')));
  return errs;
}

function validateSubresources(sr: CustomResourceSubresources | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const scale = sr?.scale;
  if (!scale) return errs;
  const under = (v: string | undefined, f: string, prefixes: string[], msg: string): void => {
    const fp = p.child(`scale.${f}`);
    const e = simpleJsonPath(v ?? '', fp);
    if (e.length) errs.push(...e);
    else if (!prefixes.some((x) => v!.startsWith(x))) errs.push(invalidValue(fp, v, msg));
  };
  if (!scale.specReplicasPath) errs.push(required(p.child('scale.specReplicasPath')));
  else under(scale.specReplicasPath, 'specReplicasPath', ['.spec.'], 'should be a json path under .spec');
  if (!scale.statusReplicasPath) errs.push(required(p.child('scale.statusReplicasPath')));
  else under(scale.statusReplicasPath, 'statusReplicasPath', ['.status.'], 'should be a json path under .status');
  if (scale.labelSelectorPath) under(scale.labelSelectorPath, 'labelSelectorPath', ['.spec.', '.status.'], 'should be a json path under either .spec or .status');
  return errs;
}

function validateDeprecationWarning(deprecated: boolean, w: string | undefined): string[] {
  if (!deprecated && w !== undefined) return ['can only be set for deprecated versions'];
  if (w === undefined) return [];
  const errs: string[] = [];
  if (Buffer.byteLength(w, 'utf8') > 256) errs.push('must be <= 256 characters long');
  if (w.length === 0) errs.push('must not be an empty string');
  let i = 0;
  for (const ch of w) {
    if (/\p{Cc}/u.test(ch)) { errs.push(`must only contain printable UTF-8 characters; control character found at index ${i}`); break; }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) { errs.push(`must only contain printable UTF-8 characters; non-printable character found at index ${i}`); break; }
    i += Buffer.byteLength(ch, 'utf8');
  }
  return errs;
}

function validateWebhookUrl(u: string, p: FieldPath): FieldError[] {
  let url: URL;
  try { url = new URL(u); } catch (e) { return [invalidValue(p, u, `host must be specified`)]; }
  const errs: FieldError[] = [];
  if (url.protocol !== 'https:') errs.push(invalidValue(p, u, "'https' is the only allowed URL scheme"));
  if (!url.host) errs.push(invalidValue(p, u, 'host must be specified'));
  if (url.username || url.password) errs.push(invalidValue(p, u, 'user information is not permitted in the URL'));
  if (url.hash || u.includes('#')) errs.push(invalidValue(p, u, 'fragments are not permitted in the URL'));
  if (url.search || u.includes('?')) errs.push(invalidValue(p, u, 'query parameters are not permitted in the URL'));
  return errs;
}

function validateConversion(c: CustomResourceConversion | undefined, p: FieldPath): FieldError[] {
  if (!c) return [];
  const errs: FieldError[] = [];
  const strategies = ['None', 'Webhook'];
  if (!c.strategy) errs.push(required(p.child('strategy')));
  else if (!strategies.includes(c.strategy)) errs.push(notSupported(p.child('strategy'), c.strategy, strategies));
  const cc = c.webhook?.clientConfig;
  const reviewVersions = c.webhook?.conversionReviewVersions ?? [];
  if (c.strategy === 'Webhook') {
    if (!cc) errs.push(required(p.child('webhookClientConfig'), 'required when strategy is set to Webhook'));
    else if ((cc.url === undefined) === (cc.service === undefined)) {
      errs.push(required(p.child('webhookClientConfig'), 'exactly one of url or service is required'));
    } else if (cc.url !== undefined) errs.push(...validateWebhookUrl(cc.url, p.child('webhookClientConfig').child('url')));
    else if (cc.service) {
      const sp = p.child('webhookClientConfig').child('service');
      if (!cc.service.name) errs.push(required(sp.child('name'), 'service name is required'));
      if (!cc.service.namespace) errs.push(required(sp.child('namespace'), 'service namespace is required'));
      const port = cc.service.port ?? 443;
      if (!Number.isInteger(port) || port < 1 || port > 65535) errs.push(invalidValue(sp.child('port'), port, 'port is not valid: must be between 1 and 65535, inclusive'));
      if (cc.service.path !== undefined && cc.service.path !== '' && !cc.service.path.startsWith('/')) {
        errs.push(invalidValue(sp.child('path'), cc.service.path, "must start with a '/'"));
      }
    }
    const rp = p.child('conversionReviewVersions');
    if (reviewVersions.length === 0) errs.push(required(rp));
    else {
      const seen = new Set<string>();
      reviewVersions.forEach((v, i) => {
        if (seen.has(v)) { errs.push(invalidValue(rp.index(i), v, 'duplicate version')); return; }
        seen.add(v);
        for (const m of isDNS1035Label(v)) errs.push(invalidValue(rp.index(i), v, m));
      });
      if (!reviewVersions.some((v) => CONVERSION_REVIEW_VERSIONS.includes(v))) {
        errs.push(invalidValue(rp, reviewVersions, `must include at least one of ${CONVERSION_REVIEW_VERSIONS.join(', ')}`));
      }
    }
  } else {
    if (cc) errs.push(forbiddenField(p.child('webhookClientConfig'), 'should not be set when strategy is not set to Webhook'));
    if (reviewVersions.length > 0) errs.push(forbiddenField(p.child('conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

/** Upstream's validateCustomResourceDefinitionSpec for a v1 spec. */
export function validateCrdSpec(spec: CustomResourceDefinitionSpec, p: FieldPath = FieldPath.root('spec')): FieldError[] {
  const errs: FieldError[] = [];
  const group = spec.group ?? '';
  if (!group) errs.push(required(p.child('group')));
  else {
    const e = isDNS1123Subdomain(group);
    if (e.length) errs.push(invalidValue(p.child('group'), group, joined(e)));
    else if (group.split('.').length < 2) errs.push(invalidValue(p.child('group'), group, 'should be a domain with at least one dot'));
  }
  const scopes = ['Cluster', 'Namespaced'];
  if (!spec.scope) errs.push(required(p.child('scope')));
  else if (!scopes.includes(spec.scope)) errs.push(notSupported(p.child('scope'), spec.scope, scopes));

  const versions = spec.versions ?? [];
  const h = hoist(spec);
  if (!h.validation?.openAPIV3Schema) {
    versions.forEach((v, i) => {
      if (!v.schema?.openAPIV3Schema) errs.push(required(p.child('versions').index(i).child('schema').child('openAPIV3Schema'), 'schemas are required'));
    });
  }
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  const anyStatus = (h.subresources?.status !== undefined) || versions.some((v) => v.subresources?.status !== undefined);
  versions.forEach((v, i) => {
    const vp = p.child('versions').index(i);
    if (v.storage) storage++;
    if (seen.has(v.name)) unique = false; else seen.add(v.name);
    const ne = isDNS1035Label(v.name ?? '');
    if (ne.length) errs.push(invalidValue(vp.child('name'), v.name ?? '', joined(ne)));
    for (const m of validateDeprecationWarning(v.deprecated === true, v.deprecationWarning)) {
      errs.push(invalidValue(vp.child('deprecationWarning'), v.deprecationWarning, m));
    }
    const subresources = h.subresources ?? v.subresources;
    if (!h.validation && v.schema?.openAPIV3Schema) {
      errs.push(...validateCrdSchema(v.schema.openAPIV3Schema, vp.child('schema'), { statusEnabled: subresources?.status !== undefined }));
    }
    if (!h.subresources) errs.push(...validateSubresources(v.subresources, vp.child('subresources')));
    if (!h.columns) (v.additionalPrinterColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, vp.child('additionalPrinterColumns').index(j))));
  });
  if (!unique) errs.push(invalidValue(p.child('versions'), versions, 'must contain unique version names'));
  if (storage !== 1) errs.push(invalidValue(p.child('versions'), versions, 'must have exactly one version marked as storage version'));

  const names = spec.names ?? ({} as CustomResourceDefinitionNames);
  for (const f of ['plural', 'singular', 'kind', 'listKind'] as const) {
    if (!names[f]) errs.push(required(p.child('names', f)));
  }
  errs.push(...validateNames(names, p.child('names')));
  if (h.validation?.openAPIV3Schema) {
    errs.push(...validateCrdSchema(h.validation.openAPIV3Schema, p.child('validation'), { statusEnabled: anyStatus }));
  }
  errs.push(...validateSubresources(h.subresources, p.child('subresources')));
  (h.columns ?? []).forEach((c, j) => errs.push(...validateColumn(c, p.child('additionalPrinterColumns').index(j))));
  if (spec.conversion && spec.conversion.strategy !== 'None' && spec.preserveUnknownFields) {
    errs.push(invalidValue(p.child('conversion').child('strategy'), spec.conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  errs.push(...validateConversion(spec.conversion, p.child('conversion')));
  return errs;
}

/** Upstream's ValidateCustomResourceDefinitionStoredVersions. */
export function validateStoredVersions(stored: string[] | undefined, spec: CustomResourceDefinitionSpec): FieldError[] {
  const p = FieldPath.root('status', 'storedVersions');
  if (!stored?.length) return [invalidValue(p, stored ?? [], 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const left = new Map<string, number>();
  stored.forEach((v, i) => left.set(v, i));
  for (const v of spec.versions ?? []) {
    const has = left.has(v.name);
    if (v.storage && !has) errs.push(invalidValue(p, v, `must have the storage version ${v.name}`));
    if (has) left.delete(v.name);
  }
  for (const [v, i] of left) errs.push(invalidValue(p.index(i), v, 'must appear in spec.versions'));
  return errs;
}

/** Whether `group` is a protected community group (`k8s.io`, `kubernetes.io` or a subdomain). */
function isProtectedGroup(group: string): boolean {
  return ['k8s.io', 'kubernetes.io'].some((g) => group === g || group.endsWith(`.${g}`));
}

type Approval = 'missing' | 'invalid' | 'approved' | 'bypassed';

function approvalState(annotations: Record<string, string> | undefined): Approval {
  const v = annotations?.[API_APPROVAL_ANNOTATION];
  if (v === undefined) return 'missing';
  if (v.startsWith('unapproved')) return 'bypassed';
  try { const u = new URL(v); return u.protocol === 'http:' || u.protocol === 'https:' ? 'approved' : 'invalid'; } catch { return 'invalid'; }
}

/** Upstream's validateAPIApproval: protected groups carry the api-approved.kubernetes.io annotation. */
export function validateApiApproval(crd: CustomResourceDefinition, old?: CustomResourceDefinition): FieldError[] {
  if (!isProtectedGroup(crd.spec?.group ?? '')) return [];
  const state = approvalState(crd.metadata?.annotations);
  if (old && approvalState(old.metadata?.annotations) === state) return [];
  const p = FieldPath.root('metadata', 'annotations').key(API_APPROVAL_ANNOTATION);
  if (state === 'missing') {
    return [required(p, `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`)];
  }
  if (state === 'invalid') {
    return [invalidValue(p, crd.metadata?.annotations?.[API_APPROVAL_ANNOTATION], `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`)];
  }
  return [];
}

/** The whole CRD on create (names are also checked by the generic store). */
export function validateCrd(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const name = crd.metadata?.name ?? '';
  const spec = crd.spec ?? ({} as CustomResourceDefinitionSpec);
  if (name && name !== `${spec.names?.plural ?? ''}.${spec.group ?? ''}`) {
    errs.push(invalidValue(FieldPath.root('metadata', 'name'), name, 'must be spec.names.plural+"."+spec.group'));
  }
  errs.push(...validateCrdSpec(spec));
  errs.push(...validateNames(crd.status?.acceptedNames ?? {}, FieldPath.root('status', 'acceptedNames')));
  errs.push(...validateStoredVersions(crd.status?.storedVersions, spec));
  errs.push(...validateApiApproval(crd));
  if (spec.preserveUnknownFields) {
    errs.push(invalidValue(FieldPath.root('spec', 'preserveUnknownFields'), true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}

/** Whether the CRD's Established condition is True. */
export function isEstablished(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

/**
 * Extra checks on update: group and names.plural never change; scope and
 * names.kind not once the CRD is Established. Approval and preserveUnknownFields
 * ratchet on the old object. (validateCrd runs too, as the store calls both.)
 */
export function validateCrdUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const sp = FieldPath.root('spec');
  const errs: FieldError[] = [];
  if (isEstablished(old)) {
    errs.push(...validateImmutableField(crd.spec?.scope, old.spec?.scope, sp.child('scope')));
    errs.push(...validateImmutableField(crd.spec?.names?.kind, old.spec?.names?.kind, sp.child('names', 'kind')));
  }
  errs.push(...validateImmutableField(crd.spec?.group, old.spec?.group, sp.child('group')));
  errs.push(...validateImmutableField(crd.spec?.names?.plural, old.spec?.names?.plural, sp.child('names', 'plural')));
  return errs;
}
