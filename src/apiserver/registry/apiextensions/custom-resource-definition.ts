/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition, cluster-scoped (upstream's
 * pkg/registry/customresourcedefinition/strategy.go, apis/apiextensions/v1
 * defaults.go, and validation in crd-validation.ts).
 */
import type { WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import type { CustomResourceDefinition } from '../../../api/apiextensions/types.js';
import { supportedFormat } from '../../../api/apiextensions/formats.js';
import type { JSONSchemaProps } from '../../../api/apiextensions/types.js';
import type { StatusStrategy, Strategy } from '../strategy.js';
import { validateCrd, validateCrdUpdate, validateNames } from './crd-validation.js';
import { FieldPath } from '../../../api/field-errors.js';

const crdOf = (o: WithMeta): CustomResourceDefinition => o as unknown as CustomResourceDefinition;

/** SetDefaults_CustomResourceDefinition (v1): names, conversion, storedVersions, webhook service port. */
export function defaultCrd(crd: CustomResourceDefinition): void {
  const spec = crd.spec;
  if (!spec) return;
  spec.names ??= { plural: '', kind: '' };
  const names = spec.names;
  if (!names.singular) names.singular = (names.kind ?? '').toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  const svc = spec.conversion.webhook?.clientConfig?.service;
  if (svc && svc.port === undefined) svc.port = 443;
  crd.status ??= {};
  if (!crd.status.storedVersions?.length) {
    const storage = (spec.versions ?? []).find((v) => v.storage);
    if (storage) crd.status.storedVersions = [storage.name];
  }
}

/** Adds the storage version to status.storedVersions when it is not there yet. */
function recordStorageVersion(crd: CustomResourceDefinition): void {
  const storage = (crd.spec?.versions ?? []).find((v) => v.storage);
  if (!storage) return;
  crd.status ??= {};
  const stored = crd.status.storedVersions ?? [];
  if (!stored.includes(storage.name)) crd.status.storedVersions = [...stored, storage.name];
}

/** PrepareForCreate: status reset to its zero value, then the storage version recorded. */
export function prepareCrdForCreate(crd: CustomResourceDefinition): void {
  crd.status = { acceptedNames: { plural: '', kind: '' }, conditions: [], storedVersions: [] };
  recordStorageVersion(crd);
}

/** PrepareForUpdate: status comes from old (controllers own it), plus the new storage version. */
export function prepareCrdForUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): void {
  if (old.status === undefined) delete crd.status; else crd.status = deepClone(old.status);
  recordStorageVersion(crd);
}

/** The status subresource: everything but status comes from old, and the metadata a status write may not touch. */
export const CRD_STATUS_STRATEGY: StatusStrategy = {
  prepareForUpdate(obj, old) {
    obj.spec = deepClone(old.spec);
    const m = obj.metadata;
    const om = old.metadata;
    for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
      if (om[k] === undefined) delete m[k]; else (m as Record<string, unknown>)[k] = deepClone(om[k]);
    }
  },
  validateUpdate: (obj) => validateNames(crdOf(obj).status?.acceptedNames ?? {}, FieldPath.root('status', 'acceptedNames')),
};

const NUMERIC_FORMATS = new Set(['int32', 'int64', 'float', 'double']);

/** Formats in the CRD's schemas that custom-resource validation does not know (numeric formats aside) (upstream warns: `unrecognized format "x"`). */
export function crdWarnings(crd: CustomResourceDefinition): string[] {
  const out: string[] = [];
  const visit = (s: JSONSchemaProps | undefined): void => {
    if (!s) return;
    if (s.format && !supportedFormat(s.format) && !NUMERIC_FORMATS.has(s.format)) out.push(`unrecognized format ${JSON.stringify(s.format)}`);
    const kids: (JSONSchemaProps | boolean | JSONSchemaProps[] | undefined)[] = [s.items, s.additionalProperties, s.not,
      ...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? []), ...Object.values(s.properties ?? {})];
    for (const k of kids) {
      if (Array.isArray(k)) k.forEach(visit);
      else if (typeof k === 'object') visit(k);
    }
  };
  for (const v of crd.spec?.versions ?? []) visit(v.schema?.openAPIV3Schema);
  return out;
}

export const CRD_STRATEGY: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultCrd(crdOf(obj)),
  prepareForCreate: (obj) => prepareCrdForCreate(crdOf(obj)),
  prepareForUpdate: (obj, old) => prepareCrdForUpdate(crdOf(obj), crdOf(old)),
  validate: (obj) => validateCrd(crdOf(obj)),
  validateUpdate: (obj, old) => validateCrdUpdate(crdOf(obj), crdOf(old)),
  status: CRD_STATUS_STRATEGY,
};
