/**
 * PodTemplates (upstream's pkg/registry/core/podtemplate): a pod template
 * spec under `template`, defaulted and validated as workloads' templates are.
 */
import type { PodTemplate } from 'kubernetes-types/core/v1.js';
import { FieldPath, required } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import { validatePodTemplateSpec } from '../../../api/validation/pod.js';
import type { Strategy } from '../strategy.js';

const asTemplate = (o: KubeObject): PodTemplate => o as PodTemplate;

export const podTemplateStrategy: Strategy = {
  tracksGeneration: true,
  defaults(obj) {
    const t = asTemplate(obj);
    if (t.template) defaultPodTemplateSpec(t.template);
  },
  validate(obj) {
    const t = asTemplate(obj);
    if (!t.template) return [required(FieldPath.root('template'))];
    return validatePodTemplateSpec(t.template, FieldPath.root('template'));
  },
};
