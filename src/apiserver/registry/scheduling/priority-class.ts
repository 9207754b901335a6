/**
 * scheduling.k8s.io/v1 PriorityClass (upstream pkg/registry/scheduling/priorityclass/strategy.go,
 * SetDefaults_PriorityClass, ValidatePriorityClass/Update).
 */
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, notSupported, required } from '../../../api/field-errors.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';

export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
/** The built-in system classes: value and globalDefault. */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, { value: number; globalDefault: boolean }>> = {
  'system-node-critical': { value: 2000001000, globalDefault: false },
  'system-cluster-critical': { value: 2000000000, globalDefault: false },
};

export function defaultPriorityClass(pc: PriorityClass): void {
  pc.preemptionPolicy ??= 'PreemptLowerPriority';
}

function systemClassError(pc: PriorityClass): string | undefined {
  const name = pc.metadata?.name ?? '';
  const known = SYSTEM_PRIORITY_CLASSES[name];
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== pc.value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== (pc.globalDefault ?? false)) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}

export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  if ((pc.metadata?.name ?? '').startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const e = systemClassError(pc);
    if (e) {
      errs.push(forbiddenField(FieldPath.root('metadata', 'name'),
        `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${e}`));
    }
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbiddenField(FieldPath.root('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy !== undefined) {
    if (pc.preemptionPolicy === '') errs.push(required(FieldPath.root('preemptionPolicy')));
    else if (!['PreemptLowerPriority', 'Never'].includes(pc.preemptionPolicy)) {
      errs.push(notSupported(FieldPath.root('preemptionPolicy'), pc.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
    }
  }
  return errs;
}

export function validatePriorityClassUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  if (pc.value !== old.value) errs.push(forbiddenField(FieldPath.root('value'), 'may not be changed in an update.'));
  errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, FieldPath.root('preemptionPolicy')));
  return errs;
}

const pc = (o: WithMeta): PriorityClass => o as unknown as PriorityClass;

export const priorityClassStrategy: Strategy = {
  defaults: (obj) => defaultPriorityClass(pc(obj)),
  validate: (obj) => validatePriorityClass(pc(obj)),
  validateUpdate: (obj, old) => validatePriorityClassUpdate(pc(obj), pc(old)),
};
