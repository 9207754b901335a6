/**
 * IntOrString checks for rollout budgets (upstream's apps validation
 * ValidatePositiveIntOrPercent, IsNotMoreThan100Percent, getIntOrPercentValue).
 */
import type { FieldError, FieldPath } from '../../../api/field-errors.js';
import { invalidValue } from '../../../api/field-errors.js';
import { isValidPercent } from '../../../api/validation/names.js';
import { nonNegative } from '../../../api/validation/container.js';

/** The JSON form of an intstr.IntOrString. */
export type IntOrString = number | string;

/** A non-negative integer or a `<digits>%` string. Absent values are not checked. */
export function validatePositiveIntOrPercent(v: IntOrString | undefined, path: FieldPath): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalidValue(path, v, m));
  if (typeof v === 'number' && Number.isInteger(v)) return nonNegative(v, path);
  return [invalidValue(path, v, "must be an integer or percentage (e.g '5%')")];
}

/** The integer, or the percentage's number; -1 when it does not parse. */
export function intOrPercentValue(v: IntOrString | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^([0-9]+)%$/.exec(v);
  return m ? Number(m[1]) : -1;
}

/** Percent strings must not exceed 100%; integers are not checked here. */
export function isNotMoreThan100Percent(v: IntOrString | undefined, path: FieldPath): FieldError[] {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return [];
  return intOrPercentValue(v) > 100 ? [invalidValue(path, v, 'must not be greater than 100%')] : [];
}
