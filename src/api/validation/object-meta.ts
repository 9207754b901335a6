/**
 * ObjectMeta checks (upstream's apimachinery pkg/api/validation/objectmeta.go).
 */
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { NameRule } from './name-rule.js';
import type { FieldError } from '../field-errors.js';
import { FieldPath, forbiddenField, invalidValue, required, tooLong } from '../field-errors.js';
import { deepEqual } from '../object.js';
import { validateLabels } from './label-selector.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPathSegmentName } from './names.js';

export const FIELD_IMMUTABLE = 'field is immutable';
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * Upstream's ValidateNameFunc: checks `name`, or with `prefix` a generateName
 * (whose trailing '-' is ignored, since random characters follow it).
 */
export function validateName(rule: NameRule, name: string, prefix = false): string[] {
  // Upstream's maskTrailingDash, quirk included: it drops two characters.
  const n = prefix && rule !== 'pathSegment' && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
  switch (rule) {
    case 'dns1123Label': return isDNS1123Label(n);
    case 'pathSegment': {
      if (!prefix) return isValidPathSegmentName(n);
      const errs: string[] = [];
      if (n.includes('/')) errs.push("may not contain '/'");
      if (n.includes('%')) errs.push("may not contain '%'");
      return errs;
    }
    default: return isDNS1123Subdomain(n);
  }
}

/** A set of annotations: keys are qualified names (case-insensitive), total size of keys and values <= 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReference(ref: OwnerReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!version) errs.push(invalidValue(path.child('apiVersion'), apiVersion, 'version must not be empty'));
  if (!ref.kind) errs.push(invalidValue(path.child('kind'), ref.kind ?? '', 'must not be empty'));
  if (!ref.name) errs.push(invalidValue(path.child('name'), ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(invalidValue(path.child('uid'), ref.uid ?? '', 'must not be empty'));
  if (group === '' && version === 'v1' && ref.kind === 'Event') {
    errs.push(invalidValue(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

/** Each reference has apiVersion, kind, name and uid; at most one has `controller: true`. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalidValue(path, refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** Finalizers are qualified names; `orphan` and `foregroundDeletion` exclude each other. */
export function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) errs.push(...isQualifiedName(f).map((m) => invalidValue(path, f, m)));
  if (finalizers?.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalidValue(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateMetaCommon(meta: ObjectMeta, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (namespaced) {
    if (!meta.namespace) errs.push(required(path.child('namespace')));
    else errs.push(...isDNS1123Label(meta.namespace).map((m) => invalidValue(path.child('namespace'), meta.namespace, m)));
  } else if (meta.namespace) {
    errs.push(forbiddenField(path.child('namespace'), 'not allowed on this type'));
  }
  if (meta.generation !== undefined && meta.generation < 0) {
    errs.push(invalidValue(path.child('generation'), meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  return errs;
}

/**
 * Metadata on create: name (or generateName) by the kind's rule, namespace
 * required iff namespaced, labels, annotations, ownerReferences, finalizers.
 * @param path defaults to `metadata`.
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  opts: { namespaced: boolean; nameRule: NameRule },
  path: FieldPath = FieldPath.root('metadata'),
): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const m of validateName(opts.nameRule, meta.generateName, true)) {
      errs.push(invalidValue(path.child('generateName'), meta.generateName, m));
    }
  }
  if (!meta.name) errs.push(required(path.child('name'), 'name or generateName is required'));
  else for (const m of validateName(opts.nameRule, meta.name)) errs.push(invalidValue(path.child('name'), meta.name, m));
  errs.push(...validateMetaCommon(meta, opts.namespaced, path));
  return errs;
}

/** `field is immutable` when `value` differs from `old` (JSON equality). */
export function validateImmutableField(value: unknown, old: unknown, path: FieldPath): FieldError[] {
  return deepEqual(value, old) ? [] : [invalidValue(path, value, FIELD_IMMUTABLE)];
}

/**
 * Metadata on update: name, namespace, uid, creationTimestamp, deletionTimestamp
 * and deletionGracePeriodSeconds are immutable, generation never decreases, no
 * new finalizers once deletion started, and the create-time checks of labels,
 * annotations, ownerReferences and finalizers. resourceVersion is the store's.
 * @param path defaults to `metadata`.
 */
export function validateObjectMetaUpdate(
  meta: ObjectMeta,
  old: ObjectMeta,
  path: FieldPath = FieldPath.root('metadata'),
): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const oldSet = new Set(old.finalizers ?? []);
    const extra = [...new Set((meta.finalizers ?? []).filter((f) => !oldSet.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(forbiddenField(path.child('finalizers'),
        `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  if ((meta.generation ?? 0) < (old.generation ?? 0)) {
    errs.push(invalidValue(path.child('generation'), meta.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...validateImmutableField(meta.name ?? '', old.name ?? '', path.child('name')));
  errs.push(...validateImmutableField(meta.namespace ?? '', old.namespace ?? '', path.child('namespace')));
  errs.push(...validateImmutableField(meta.uid ?? '', old.uid ?? '', path.child('uid')));
  errs.push(...validateImmutableField(meta.creationTimestamp, old.creationTimestamp, path.child('creationTimestamp')));
  errs.push(...validateImmutableField(meta.deletionTimestamp, old.deletionTimestamp, path.child('deletionTimestamp')));
  errs.push(...validateImmutableField(meta.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds, path.child('deletionGracePeriodSeconds')));
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  return errs;
}
