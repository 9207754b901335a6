/**
 * ReplicationControllers (upstream's SetDefaults_ReplicationController,
 * ValidateReplicationController and pkg/registry/core/replicationcontroller).
 */
import type { ReplicationController, ReplicationControllerSpec } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import { validateLabels } from '../../../api/validation/label-selector.js';
import { validatePodTemplateSpec } from '../../../api/validation/pod.js';
import type { Strategy } from '../strategy.js';
import { keepAllButStatus, keepStatus, setStatus } from './status.js';

const asRC = (o: KubeObject): ReplicationController => o as ReplicationController;

/** Selector and labels default to the template's labels; replicas to 1. */
export function defaultReplicationController(rc: ReplicationController): void {
  const spec = (rc.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (rc.metadata && (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0)) rc.metadata.labels = { ...labels };
  }
  spec.replicas ??= 1;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

const nonNegative = (v: number | undefined, path: FieldPath): FieldError[] =>
  v !== undefined && v < 0 ? [invalidValue(path, v, 'must be greater than or equal to 0')] : [];

export function validateReplicationControllerSpec(spec: ReplicationControllerSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')));
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(required(path.child('selector')));
  else errs.push(...validateLabels(selector, path.child('selector')));
  errs.push(...nonNegative(spec.replicas, path.child('replicas')));
  const tp = path.child('template');
  const template = spec.template;
  if (!template) {
    errs.push(required(tp));
    return errs;
  }
  const labels = template.metadata?.labels ?? {};
  if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(invalidValue(tp.child('metadata', 'labels'), template.metadata?.labels ?? null, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, tp));
  const restartPolicy = template.spec?.restartPolicy;
  if (restartPolicy !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), restartPolicy ?? '', ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbiddenField(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

function validateStatus(rc: ReplicationController): FieldError[] {
  const st = rc.status;
  const p = FieldPath.root('status');
  const errs: FieldError[] = [];
  for (const k of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
    errs.push(...nonNegative(st?.[k], p.child(k)));
  }
  const replicas = st?.replicas ?? 0;
  if ((st?.fullyLabeledReplicas ?? 0) > replicas) {
    errs.push(invalidValue(p.child('fullyLabeledReplicas'), st?.fullyLabeledReplicas, 'cannot be greater than the number of replicas'));
  }
  if ((st?.readyReplicas ?? 0) > replicas) {
    errs.push(invalidValue(p.child('readyReplicas'), st?.readyReplicas, 'cannot be greater than the number of replicas'));
  }
  if ((st?.availableReplicas ?? 0) > replicas) {
    errs.push(invalidValue(p.child('availableReplicas'), st?.availableReplicas, 'cannot be greater than the number of replicas'));
  }
  if ((st?.availableReplicas ?? 0) > (st?.readyReplicas ?? 0)) {
    errs.push(invalidValue(p.child('availableReplicas'), st?.availableReplicas, 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export const replicationControllerStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultReplicationController(asRC(obj)),
  prepareForCreate: (obj) => setStatus(obj, { replicas: 0 }),
  prepareForUpdate: keepStatus,
  validate: (obj) => validateReplicationControllerSpec(asRC(obj).spec ?? {}, FieldPath.root('spec')),
  status: {
    prepareForUpdate: keepAllButStatus,
    validateUpdate: (obj) => validateStatus(asRC(obj)),
  },
  fieldSelectorKeys: ['status.replicas'],
  selectableFields: (obj) => ({ 'status.replicas': String(asRC(obj).status?.replicas ?? 0) }),
};
