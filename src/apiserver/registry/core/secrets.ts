/**
 * Secrets (upstream's SetDefaults_Secret, the v1 conversion of stringData,
 * ValidateSecret and ValidateSecretUpdate).
 */
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, required, tooLong } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import { isConfigMapKey } from '../../../api/validation/names.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';
import { IMMUTABLE_WHEN_SET } from './configmaps.js';

export const MAX_SECRET_SIZE = 1024 * 1024;
const SA_NAME_KEY = 'kubernetes.io/service-account.name';

const asSecret = (o: KubeObject): Secret => o as Secret;

const decoded = (v: string): Buffer => Buffer.from(v, 'base64');
const isBase64 = (v: string): boolean => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;

/** Type Opaque; stringData is merged into data (base64) and never stored. */
export function defaultSecret(s: Secret): void {
  s.type ||= 'Opaque';
  if (s.stringData) {
    const data = { ...(s.data ?? {}) };
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(v).toString('base64');
    s.data = data;
    delete s.stringData;
  }
}

function requireKeys(data: Record<string, string>, keys: string[], dataPath: FieldPath): FieldError[] {
  return keys.filter((k) => !data[k]).map((k) => required(dataPath.key(k)));
}

function validateDockerJSON(data: Record<string, string>, key: string, dataPath: FieldPath): FieldError[] {
  if (!data[key]) return [required(dataPath.key(key))];
  try {
    JSON.parse(decoded(data[key]).toString('utf8'));
    return [];
  } catch (e) {
    return [invalidValue(dataPath.key(key), '<secret contents redacted>', (e as Error).message)];
  }
}

export function validateSecret(s: Secret): FieldError[] {
  const errs: FieldError[] = [];
  const dataPath = FieldPath.root('data');
  const data = s.data ?? {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((m) => invalidValue(dataPath.key(k), k, m)));
    if (!isBase64(String(v))) errs.push(invalidValue(dataPath.key(k), '<secret contents redacted>', 'illegal base64 data'));
    total += decoded(String(v)).length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath, '', MAX_SECRET_SIZE));
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.[SA_NAME_KEY]) errs.push(required(FieldPath.root('metadata', 'annotations').key(SA_NAME_KEY)));
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...validateDockerJSON(data, '.dockercfg', dataPath));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...validateDockerJSON(data, '.dockerconfigjson', dataPath));
      break;
    case 'kubernetes.io/basic-auth':
      if (!data.username && !data.password) errs.push(...requireKeys(data, ['username', 'password'], dataPath));
      break;
    case 'kubernetes.io/ssh-auth':
      errs.push(...requireKeys(data, ['ssh-privatekey'], dataPath));
      break;
    case 'kubernetes.io/tls':
      errs.push(...requireKeys(data, ['tls.crt', 'tls.key'], dataPath));
      break;
    default:
  }
  return errs;
}

/** `type` never changes; once `immutable: true`, neither it nor data may change. */
export function validateSecretUpdate(s: Secret, old: Secret): FieldError[] {
  const errs = validateImmutableField(s.type, old.type, FieldPath.root('type'));
  if (old.immutable === true) {
    if (s.immutable !== true) errs.push(forbiddenField(FieldPath.root('immutable'), IMMUTABLE_WHEN_SET));
    if (!deepEqual(s.data ?? {}, old.data ?? {})) errs.push(forbiddenField(FieldPath.root('data'), IMMUTABLE_WHEN_SET));
  }
  return errs;
}

export const secretStrategy: Strategy = {
  defaults: (obj) => defaultSecret(asSecret(obj)),
  validate: (obj) => validateSecret(asSecret(obj)),
  validateUpdate: (obj, old) => validateSecretUpdate(asSecret(obj), asSecret(old)),
  fieldSelectorKeys: ['type'],
  selectableFields: (obj) => ({ type: asSecret(obj).type ?? '' }),
};
