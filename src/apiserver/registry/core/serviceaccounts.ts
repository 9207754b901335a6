/**
 * ServiceAccounts (upstream's ValidateServiceAccount): secret references and
 * image pull secrets name their secrets.
 */
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, required } from '../../../api/field-errors.js';
import type { Strategy } from '../strategy.js';

export const serviceAccountStrategy: Strategy = {
  validate(obj) {
    const sa = obj as ServiceAccount;
    const errs: FieldError[] = [];
    (sa.imagePullSecrets ?? []).forEach((s, i) => {
      if (!s.name) errs.push(required(FieldPath.root('imagePullSecrets').index(i).child('name')));
    });
    return errs;
  },
};
