/**
 * ResourceQuotas (upstream's ValidateResourceQuota and its status update):
 * resource names are qualified names, quantities non-negative, scopes known.
 */
import type { ResourceQuota } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, notSupported } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { isQualifiedName } from '../../../api/validation/names.js';
import { validateQuantity } from '../../../api/validation/resources.js';
import type { Strategy } from '../strategy.js';
import { clearStatus, keepAllButStatus, keepStatus } from './status.js';

const SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating',
  'VolumeAttributesClass'];

const asQuota = (o: KubeObject): ResourceQuota => o as ResourceQuota;

function validateResourceList(list: Record<string, unknown> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, q] of Object.entries(list ?? {})) {
    const p = path.key(k);
    errs.push(...isQualifiedName(k).map((m) => invalidValue(p, k, m)));
    errs.push(...validateQuantity(q, p).errs);
  }
  return errs;
}

export function validateResourceQuota(rq: ResourceQuota): FieldError[] {
  const errs = validateResourceList(rq.spec?.hard as Record<string, unknown> | undefined, FieldPath.root('spec', 'hard'));
  (rq.spec?.scopes ?? []).forEach((s) => {
    if (!SCOPES.includes(s)) errs.push(notSupported(FieldPath.root('spec', 'scopes'), s, SCOPES));
  });
  return errs;
}

export const resourceQuotaStrategy: Strategy = {
  prepareForCreate: clearStatus,
  prepareForUpdate: keepStatus,
  validate: (obj) => validateResourceQuota(asQuota(obj)),
  status: {
    prepareForUpdate: keepAllButStatus,
    validateUpdate(obj) {
      const st = asQuota(obj).status;
      return [
        ...validateResourceList(st?.hard as Record<string, unknown> | undefined, FieldPath.root('status', 'hard')),
        ...validateResourceList(st?.used as Record<string, unknown> | undefined, FieldPath.root('status', 'used')),
      ];
    },
  },
};
