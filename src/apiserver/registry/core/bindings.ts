/**
 * Bindings (the top-level `bindings` resource and pods/binding): upstream's
 * ValidatePodBinding. Assigning the pod to the node is the apiserver's job.
 */
import type { Binding } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, notSupported, required } from '../../../api/field-errors.js';
import type { Strategy } from '../strategy.js';

export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const target = b.target ?? { name: '' };
  if (target.kind && target.kind !== 'Node') {
    errs.push(notSupported(FieldPath.root('target', 'kind'), target.kind, ['Node', '<empty>']));
  }
  if (!target.name) errs.push(required(FieldPath.root('target', 'name')));
  return errs;
}

export const bindingStrategy: Strategy = {
  validate: (obj) => validateBinding(obj as unknown as Binding),
};
