/**
 * PersistentVolumeClaims (upstream's pkg/registry/core/persistentvolumeclaim,
 * SetDefaults_PersistentVolumeClaim, ValidatePersistentVolumeClaim and its
 * update: the spec is fixed except a bound claim's storage request may grow,
 * and volumeName may be set once).
 */
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { deepClone, deepEqual } from '../../../api/object.js';
import { isDNS1123Subdomain } from '../../../api/validation/names.js';
import { quantityValue } from '../../../api/validation/quantity.js';
import { validateQuantity } from '../../../api/validation/resources.js';
import { validateLabelSelector } from '../../../api/validation/label-selector.js';
import type { Strategy } from '../strategy.js';
import { VOLUME_MODES, validateAccessModes } from './persistentvolumes.js';
import { keepAllButStatus, keepStatus, setStatus } from './status.js';

const asPVC = (o: KubeObject): PersistentVolumeClaim => o as PersistentVolumeClaim;

export const PVC_SPEC_IMMUTABLE = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  const spec = (pvc.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  if (!pvc.status?.phase) setStatus(pvc, { ...(pvc.status ?? {}), phase: 'Pending' });
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  const errs: FieldError[] = [];
  const spec = pvc.spec ?? {};
  const path = FieldPath.root('spec');
  errs.push(...validateAccessModes(spec.accessModes, path.child('accessModes')));
  errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  const requests = (spec.resources?.requests ?? {}) as Record<string, unknown>;
  const storagePath = path.child('resources').key('storage');
  if (requests.storage === undefined) errs.push(required(storagePath));
  else {
    const r = validateQuantity(requests.storage, path.child('resources', 'requests').key('storage'));
    errs.push(...r.errs);
    if (r.errs.length === 0 && r.value === 0) errs.push(invalidValue(storagePath, requests.storage, 'must be greater than zero'));
  }
  if (spec.storageClassName) {
    errs.push(...isDNS1123Subdomain(spec.storageClassName).map((m) => invalidValue(path.child('storageClassName'), spec.storageClassName, m)));
  }
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(notSupported(path.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  }
  return errs;
}

export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs: FieldError[] = [];
  const spec = deepClone(pvc.spec ?? {});
  const oldSpec = deepClone(old.spec ?? {});
  // volumeName may be set once (binding).
  if (!oldSpec.volumeName) oldSpec.volumeName = spec.volumeName;
  const bound = old.status?.phase === 'Bound';
  const newStorage = quantityValue((spec.resources?.requests as Record<string, unknown> | undefined)?.storage);
  const oldStorage = quantityValue((oldSpec.resources?.requests as Record<string, unknown> | undefined)?.storage);
  if (bound) {
    if (newStorage !== undefined && oldStorage !== undefined && newStorage < oldStorage) {
      errs.push(forbiddenField(FieldPath.root('spec', 'resources', 'requests', 'storage'), 'field can not be less than previous value'));
    }
    oldSpec.resources = { ...(oldSpec.resources ?? {}), requests: spec.resources?.requests };
    if (spec.resources?.requests === undefined) delete oldSpec.resources.requests;
    if (spec.volumeAttributesClassName !== undefined) oldSpec.volumeAttributesClassName = spec.volumeAttributesClassName;
  }
  if (!deepEqual(spec, oldSpec)) errs.push(forbiddenField(FieldPath.root('spec'), PVC_SPEC_IMMUTABLE));
  return errs;
}

export const persistentVolumeClaimStrategy: Strategy = {
  defaults: (obj) => defaultPersistentVolumeClaim(asPVC(obj)),
  prepareForCreate: (obj) => setStatus(obj, { phase: 'Pending' }),
  prepareForUpdate: keepStatus,
  validate: (obj) => validatePersistentVolumeClaim(asPVC(obj)),
  validateUpdate: (obj, old) => validatePersistentVolumeClaimUpdate(asPVC(obj), asPVC(old)),
  status: { prepareForUpdate: keepAllButStatus },
};
