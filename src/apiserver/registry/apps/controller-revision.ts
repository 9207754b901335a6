/**
 * apps/v1 ControllerRevision (upstream pkg/registry/apps/controllerrevision,
 * ValidateControllerRevision / ValidateControllerRevisionUpdate): data is
 * mandatory and immutable, revision non-negative. No status, no generation.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, required } from '../../../api/field-errors.js';
import { nonNegative } from '../../../api/validation/container.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';

const cr = (o: WithMeta): ControllerRevision => o as unknown as ControllerRevision;

export function validateControllerRevision(rev: ControllerRevision): FieldError[] {
  const errs: FieldError[] = [];
  if (rev.data === undefined || rev.data === null) errs.push(required(FieldPath.root('data'), 'data is mandatory'));
  if (typeof rev.revision !== 'number') errs.push(required(FieldPath.root('revision')));
  else errs.push(...nonNegative(rev.revision, FieldPath.root('revision')));
  return errs;
}

export const controllerRevisionStrategy: Strategy = {
  validate: (obj) => validateControllerRevision(cr(obj)),
  validateUpdate: (obj, old) => validateImmutableField(cr(obj).data, cr(old).data, FieldPath.root('data')),
};
