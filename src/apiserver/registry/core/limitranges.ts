/**
 * LimitRanges (upstream's ValidateLimitRange): known types, no duplicate
 * type, quantities that parse, and min <= defaultRequest <= default <= max.
 */
import type { LimitRange } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { duplicate, FieldPath, invalidValue, notSupported } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { validateQuantity } from '../../../api/validation/resources.js';
import type { Strategy } from '../strategy.js';

const LIMIT_TYPES = ['Container', 'PersistentVolumeClaim', 'Pod'];

export function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const p = FieldPath.root('spec', 'limits').index(i);
    if (!LIMIT_TYPES.includes(item.type)) errs.push(notSupported(p.child('type'), item.type, LIMIT_TYPES));
    if (seen.has(item.type)) errs.push(duplicate(p.child('type'), item.type));
    seen.add(item.type);
    const vals: Record<string, Map<string, { raw: unknown; v: number }>> = {};
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const) {
      const m = new Map<string, { raw: unknown; v: number }>();
      for (const [res, q] of Object.entries((item[k] ?? {}) as Record<string, unknown>)) {
        const r = validateQuantity(q, p.child(k).key(res));
        errs.push(...r.errs);
        if (r.value !== undefined) m.set(res, { raw: q, v: r.value });
      }
      vals[k] = m;
    }
    if (item.type === 'Pod') {
      if (vals.default.size > 0) errs.push(invalidValue(p.child('default'), item.default, 'may not be specified when `type` is \'Pod\''));
      if (vals.defaultRequest.size > 0) errs.push(invalidValue(p.child('defaultRequest'), item.defaultRequest, 'may not be specified when `type` is \'Pod\''));
    }
    const pairs: Array<[string, string, string]> = [
      ['min', 'max', 'min value %a is greater than max value %b'],
      ['defaultRequest', 'max', 'default request value %a is greater than max value %b'],
      ['min', 'defaultRequest', 'min value %a is greater than default request value %b'],
      ['default', 'max', 'default value %a is greater than max value %b'],
      ['min', 'default', 'min value %a is greater than default value %b'],
      ['defaultRequest', 'default', 'default request value %a is greater than default limit value %b'],
    ];
    for (const [lo, hi, msg] of pairs) {
      for (const [res, a] of vals[lo]) {
        const b = vals[hi].get(res);
        if (b && a.v > b.v) {
          errs.push(invalidValue(p.child(lo).key(res), a.raw, msg.replace('%a', String(a.raw)).replace('%b', String(b.raw))));
        }
      }
    }
    for (const [res, r] of vals.maxLimitRequestRatio) {
      if (r.v < 1) errs.push(invalidValue(p.child('maxLimitRequestRatio').key(res), r.raw, `ratio ${String(r.raw)} is less than 1`));
    }
  });
  return errs;
}

export const limitRangeStrategy: Strategy = {
  validate: (obj) => validateLimitRange(obj as KubeObject as LimitRange),
};
