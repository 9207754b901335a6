/**
 * storage.k8s.io/v1 StorageClass (upstream pkg/registry/storage/storageclass/strategy.go,
 * SetDefaults_StorageClass, ValidateStorageClass/Update).
 */
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { isQualifiedName } from '../../../api/validation/names.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  const pp = FieldPath.root('provisioner');
  if (!sc.provisioner) errs.push(required(pp));
  else errs.push(...isQualifiedName(sc.provisioner.toLowerCase()).map((m) => invalidValue(pp, sc.provisioner, m)));
  const params = sc.parameters ?? {};
  const ap = FieldPath.root('parameters');
  if (Object.keys(params).length > MAX_PARAMETERS) {
    errs.push({ type: 'FieldValueTooLong', field: ap.toString(), value: 'Provisioner Parameters exceeded max allowed', detail: `must have at most ${MAX_PARAMETERS} bytes` });
  } else {
    let size = 0;
    for (const [k, v] of Object.entries(params)) {
      if (k.length < 1) errs.push(invalidValue(ap, k, 'field can not be empty.'));
      size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
    }
    if (size > MAX_PARAMETERS_SIZE) errs.push({ type: 'FieldValueTooLong', field: ap.toString(), value: '', detail: `must have at most ${MAX_PARAMETERS_SIZE} bytes` });
  }
  if (sc.reclaimPolicy && !RECLAIM_POLICIES.includes(sc.reclaimPolicy)) {
    errs.push(notSupported(FieldPath.root('reclaimPolicy'), sc.reclaimPolicy, RECLAIM_POLICIES));
  }
  if (sc.volumeBindingMode === undefined) errs.push(required(FieldPath.root('volumeBindingMode')));
  else if (!BINDING_MODES.includes(sc.volumeBindingMode)) errs.push(notSupported(FieldPath.root('volumeBindingMode'), sc.volumeBindingMode, BINDING_MODES));
  (sc.allowedTopologies ?? []).forEach((t, i) => {
    const tp = FieldPath.root('allowedTopologies').index(i).child('matchLabelExpressions');
    (t.matchLabelExpressions ?? []).forEach((e, j) => {
      const ep = tp.index(j);
      errs.push(...isQualifiedName(e.key ?? '').map((m) => invalidValue(ep.child('key'), e.key, m)));
      if (!e.values?.length) errs.push(required(ep.child('values'), 'must specify as least one value to match'));
    });
  });
  return errs;
}

export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(forbiddenField(FieldPath.root('parameters'), 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(forbiddenField(FieldPath.root('provisioner'), 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(forbiddenField(FieldPath.root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, FieldPath.root('volumeBindingMode')));
  return errs;
}

const sc = (o: WithMeta): StorageClass => o as unknown as StorageClass;

export const storageClassStrategy: Strategy = {
  defaults: (obj) => defaultStorageClass(sc(obj)),
  validate: (obj) => validateStorageClass(sc(obj)),
  validateUpdate: (obj, old) => validateStorageClassUpdate(sc(obj), sc(old)),
};
