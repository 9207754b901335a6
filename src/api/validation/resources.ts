/**
 * Resource names and quantities as containers, quotas and limit ranges use
 * them (upstream's validateResourceRequirements, validateContainerResourceName,
 * ValidateResourceQuantityValue).
 */
import type { ResourceRequirements } from 'kubernetes-types/core/v1.js';
import type { FieldError, FieldPath } from '../field-errors.js';
import { invalidValue } from '../field-errors.js';
import { isQualifiedName } from './names.js';
import { QUANTITY_FORMAT_ERROR, quantityValue } from './quantity.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** Integer-valued resources may not be overcommitted: their request must equal their limit. */
function isOvercommitAllowed(name: string): boolean {
  return name.startsWith('hugepages-') ? false : !name.includes('/') || name.startsWith('kubernetes.io/');
}

/** A resource name: a qualified name; without a '/' it must be a standard container resource. */
export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalidValue(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
      return [invalidValue(path, name, 'must be a standard resource for containers')];
    }
  }
  return [];
}

/** A quantity that parses and is not negative. Returns the errors and the parsed value. */
export function validateQuantity(q: unknown, path: FieldPath): { errs: FieldError[]; value?: number } {
  const value = quantityValue(q);
  if (value === undefined) return { errs: [invalidValue(path, q, QUANTITY_FORMAT_ERROR)] };
  if (value < 0) return { errs: [invalidValue(path, q, 'must be greater than or equal to 0')], value };
  return { errs: [], value };
}

/** Container resources: valid names, non-negative quantities, each request <= its limit. */
export function validateResourceRequirements(res: ResourceRequirements | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limits = (res?.limits ?? {}) as Record<string, unknown>;
  const requests = (res?.requests ?? {}) as Record<string, unknown>;
  const limitValues = new Map<string, number>();
  for (const [name, q] of Object.entries(limits)) {
    const p = path.child('limits').key(name);
    errs.push(...validateContainerResourceName(name, p));
    const r = validateQuantity(q, p);
    errs.push(...r.errs);
    if (r.value !== undefined) limitValues.set(name, r.value);
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = path.child('requests').key(name);
    errs.push(...validateContainerResourceName(name, p));
    const r = validateQuantity(q, p);
    errs.push(...r.errs);
    const limit = limitValues.get(name);
    if (r.value === undefined || limit === undefined) continue;
    if (r.value !== limit && !isOvercommitAllowed(name)) {
      errs.push(invalidValue(p, q, `must be equal to ${name} limit of ${String(limits[name])}`));
    } else if (r.value > limit) {
      errs.push(invalidValue(p, q, `must be less than or equal to ${name} limit of ${String(limits[name])}`));
    }
  }
  return errs;
}
