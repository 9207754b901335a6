/**
 * ConfigMaps (upstream's ValidateConfigMap / ValidateConfigMapUpdate).
 */
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, tooLong } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import { isConfigMapKey } from '../../../api/validation/names.js';
import type { Strategy } from '../strategy.js';

export const MAX_CONFIG_MAP_SIZE = 1024 * 1024;
export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

const asConfigMap = (o: KubeObject): ConfigMap => o as ConfigMap;

/** Bytes of a base64 value once decoded. */
export function base64Size(v: string): number {
  return Buffer.from(v, 'base64').length;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    errs.push(...isConfigMapKey(k).map((m) => invalidValue(FieldPath.root('data').key(k), k, m)));
    total += Buffer.byteLength(String(v));
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    const p = FieldPath.root('binaryData').key(k);
    errs.push(...isConfigMapKey(k).map((m) => invalidValue(p, k, m)));
    if (cm.data && Object.prototype.hasOwnProperty.call(cm.data, k)) errs.push(invalidValue(p, k, 'duplicate of key present in data'));
    total += base64Size(String(v));
  }
  if (total > MAX_CONFIG_MAP_SIZE) errs.push(tooLong(FieldPath.root(''), '', MAX_CONFIG_MAP_SIZE));
  return errs;
}

/** Once `immutable: true`, neither it nor data nor binaryData may change. */
export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (cm.immutable !== true) errs.push(forbiddenField(FieldPath.root('immutable'), IMMUTABLE_WHEN_SET));
  if (!deepEqual(cm.data ?? {}, old.data ?? {})) errs.push(forbiddenField(FieldPath.root('data'), IMMUTABLE_WHEN_SET));
  if (!deepEqual(cm.binaryData ?? {}, old.binaryData ?? {})) errs.push(forbiddenField(FieldPath.root('binaryData'), IMMUTABLE_WHEN_SET));
  return errs;
}

export const configMapStrategy: Strategy = {
  validate: (obj) => validateConfigMap(asConfigMap(obj)),
  validateUpdate: (obj, old) => validateConfigMapUpdate(asConfigMap(obj), asConfigMap(old)),
};
