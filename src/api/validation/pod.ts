/**
 * PodSpec and PodTemplateSpec checks (upstream's ValidatePodSpec and
 * ValidatePodTemplateSpec in pkg/apis/core/validation). They expect defaulted
 * input: restartPolicy, dnsPolicy, imagePullPolicy and port protocols are
 * required here because defaulting fills them.
 */
import type { Container, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1.js';
import type { FieldError, FieldPath } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import type { ContainerContext } from './container.js';
import { INT32_RANGE, nonNegative, validateContainer } from './container.js';
import { validateLabelName, validateLabels } from './label-selector.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidLabelValue } from './names.js';
import { validateAnnotations } from './object-meta.js';
import { validateVolumes } from './volumes.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
export const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateContainers(
  containers: Container[] | undefined, ctx: ContainerContext, names: Set<string>, path: FieldPath, needOne: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  if (needOne && (containers ?? []).length === 0) return [required(path)];
  (containers ?? []).forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainer(c, ctx, p));
    if (c.name && names.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    if (c.name) names.add(c.name);
    if (ctx.isInit) {
      if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
        errs.push(notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']));
      }
      if (c.restartPolicy !== 'Always') {
        for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
          if (c[k] !== undefined) errs.push(forbiddenField(p.child(k), `may not be set for init containers without restartPolicy=Always`));
        }
      }
    } else if (c.restartPolicy !== undefined) {
      errs.push(forbiddenField(p.child('restartPolicy'), 'may not be set for non-init containers'));
    }
  });
  return errs;
}

/** Tolerations: key a qualified name, operator Equal|Exists, effect a taint effect, tolerationSeconds only with NoExecute. */
export function validateTolerations(tolerations: Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    if (t.key) errs.push(...validateLabelName(t.key, p.child('key')));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalidValue(p.child('operator'), t.operator ?? '',
        'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalidValue(p.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case '': case 'Equal':
        errs.push(...isValidLabelValue(t.value ?? '').map((m) => invalidValue(p.child('value'), t.value, m)));
        break;
      case 'Exists':
        if (t.value) errs.push(invalidValue(p.child('operator'), t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(p.child('operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(p.child('effect'), t.effect, TAINT_EFFECTS));
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const vols = validateVolumes(spec.volumes, path.child('volumes'));
  errs.push(...vols.errs);
  const hostNetwork = spec.hostNetwork === true;
  const names = new Set<string>();
  errs.push(...validateContainers(spec.containers, { volumes: vols.names, hostNetwork }, names, path.child('containers'), true));
  errs.push(...validateContainers(spec.initContainers, { volumes: vols.names, hostNetwork, isInit: true }, names,
    path.child('initContainers'), false));

  if (!spec.restartPolicy) errs.push(required(path.child('restartPolicy')));
  else if (!RESTART_POLICIES.includes(spec.restartPolicy)) errs.push(notSupported(path.child('restartPolicy'), spec.restartPolicy, RESTART_POLICIES));

  if (!spec.dnsPolicy) errs.push(required(path.child('dnsPolicy')));
  else if (!DNS_POLICIES.includes(spec.dnsPolicy)) errs.push(notSupported(path.child('dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  else if (spec.dnsPolicy === 'None' && !spec.dnsConfig) {
    errs.push(required(path.child('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }

  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  if (spec.serviceAccountName) {
    errs.push(...isDNS1123Subdomain(spec.serviceAccountName).map((m) => invalidValue(path.child('serviceAccountName'), spec.serviceAccountName, m)));
  }
  if (spec.nodeName) {
    errs.push(...isDNS1123Subdomain(spec.nodeName).map((m) => invalidValue(path.child('nodeName'), spec.nodeName, m)));
  }
  if (spec.hostname) errs.push(...isDNS1123Label(spec.hostname).map((m) => invalidValue(path.child('hostname'), spec.hostname, m)));
  if (spec.subdomain) errs.push(...isDNS1123Label(spec.subdomain).map((m) => invalidValue(path.child('subdomain'), spec.subdomain, m)));
  if (spec.priorityClassName) {
    errs.push(...isDNS1123Subdomain(spec.priorityClassName).map((m) => invalidValue(path.child('priorityClassName'), spec.priorityClassName, m)));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds < 1) {
    errs.push(invalidValue(path.child('activeDeadlineSeconds'), spec.activeDeadlineSeconds, INT32_RANGE(1)));
  }
  errs.push(...nonNegative(spec.terminationGracePeriodSeconds, path.child('terminationGracePeriodSeconds')));
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  if (spec.preemptionPolicy !== undefined && !['PreemptLowerPriority', 'Never'].includes(spec.preemptionPolicy)) {
    errs.push(notSupported(path.child('preemptionPolicy'), spec.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (!s.name) errs.push(required(path.child('imagePullSecrets').index(i).child('name')));
  });
  return errs;
}

/** A pod template: metadata labels and annotations, then the spec at `path.spec`. */
export function validatePodTemplateSpec(tmpl: PodTemplateSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const meta = tmpl.metadata ?? {};
  errs.push(...validateLabels(meta.labels, path.child('metadata', 'labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('metadata', 'annotations')));
  if (!tmpl.spec) errs.push(required(path.child('spec')));
  else errs.push(...validatePodSpec(tmpl.spec, path.child('spec')));
  return errs;
}
