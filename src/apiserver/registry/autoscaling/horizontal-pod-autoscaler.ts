/**
 * autoscaling HorizontalPodAutoscaler, stored as autoscaling/v2 (upstream
 * pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go,
 * pkg/apis/autoscaling/v2/defaults.go, pkg/apis/autoscaling/validation).
 * autoscaling/v1 objects reach this strategy already converted (hpa-conversion.ts).
 */
import type {
  CrossVersionObjectReference, HPAScalingRules, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec,
  MetricSpec, MetricTarget,
} from 'kubernetes-types/autoscaling/v2.js';
import type { WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { isValidPathSegmentName } from '../../../api/validation/names.js';
import { quantityValue } from '../../../api/validation/quantity.js';
import type { Strategy } from '../strategy.js';
import { specStatusHooks } from '../apps/spec-status.js';

/** autoscaling.DefaultCPUUtilization */
export const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP_DEFAULT: HPAScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
};
/** stabilizationWindowSeconds stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies. */
const SCALE_DOWN_DEFAULT: HPAScalingRules = {
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** copyHPAScalingRules: the defaults, overridden by whatever `rules` sets. */
function fillRules(rules: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  const out = deepClone(defaults);
  if (!rules) return out;
  if (rules.selectPolicy !== undefined) out.selectPolicy = rules.selectPolicy;
  if (rules.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = rules.stabilizationWindowSeconds;
  if (rules.policies !== undefined) out.policies = rules.policies;
  const tolerance = (rules as { tolerance?: unknown }).tolerance;
  if (tolerance !== undefined) (out as { tolerance?: unknown }).tolerance = tolerance;
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler: minReplicas 1, CPU 80% when no metrics, behavior filled when set. */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= { maxReplicas: 0, scaleTargetRef: { kind: '', name: '' } });
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) {
    spec.metrics = [{
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
    }];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, SCALE_UP_DEFAULT);
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, SCALE_DOWN_DEFAULT);
  }
}

function validateRef(ref: CrossVersionObjectReference | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['kind', 'name'] as const) {
    const v = ref?.[k] ?? '';
    if (!v) errs.push(required(path.child(k)));
    else errs.push(...isValidPathSegmentName(v).map((m) => invalidValue(path.child(k), v, m)));
  }
  return errs;
}

const positive = (q: unknown): boolean => (quantityValue(q) ?? 0) > 0;

function validateTarget(t: MetricTarget | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = t?.type ?? '';
  if (!type) errs.push(required(path.child('type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) {
    errs.push(invalidValue(path.child('type'), type, 'must be either Utilization, Value, or AverageValue'));
  }
  if (t?.value !== undefined && !positive(t.value)) errs.push(invalidValue(path.child('value'), t.value, 'must be positive'));
  if (t?.averageValue !== undefined && !positive(t.averageValue)) errs.push(invalidValue(path.child('averageValue'), t.averageValue, 'must be positive'));
  if (t?.averageUtilization !== undefined && t.averageUtilization < 1) {
    errs.push(invalidValue(path.child('averageUtilization'), t.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateMetricName(name: string | undefined, path: FieldPath): FieldError[] {
  if (!name) return [required(path.child('name'), 'must specify a metric name')];
  return isValidPathSegmentName(name).map((m) => invalidValue(path.child('name'), name, m));
}

/** Resource and ContainerResource sources: a name, and exactly one of averageUtilization and averageValue. */
function validateResourceTarget(name: string | undefined, t: MetricTarget | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!name) errs.push(required(path.child('name'), 'must specify a resource name'));
  errs.push(...validateTarget(t, path.child('target')));
  if (t?.averageUtilization === undefined && t?.averageValue === undefined) {
    errs.push(required(path.child('target', 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (t?.averageUtilization !== undefined && t?.averageValue !== undefined) {
    errs.push(forbiddenField(path.child('target', 'averageValue'), 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

const SOURCE_TYPES: Record<string, keyof MetricSpec> = {
  ContainerResource: 'containerResource', External: 'external', Object: 'object', Pods: 'pods', Resource: 'resource',
};

function validateSource(m: MetricSpec, field: keyof MetricSpec, path: FieldPath): FieldError[] {
  switch (field) {
    case 'resource': return validateResourceTarget(m.resource?.name, m.resource?.target, path);
    case 'containerResource': {
      const errs = validateResourceTarget(m.containerResource?.name, m.containerResource?.target, path);
      if (!m.containerResource?.container) errs.push(required(path.child('container'), 'must specify a container'));
      return errs;
    }
    case 'pods': {
      const errs = [...validateMetricName(m.pods?.metric?.name, path.child('metric')), ...validateTarget(m.pods?.target, path.child('target'))];
      if (m.pods?.target?.averageValue === undefined) errs.push(required(path.child('target', 'averageValue'), 'must specify a positive target averageValue'));
      return errs;
    }
    case 'object': {
      const t = m.object?.target;
      const errs = [
        ...validateRef(m.object?.describedObject, path.child('describedObject')),
        ...validateMetricName(m.object?.metric?.name, path.child('metric')),
        ...validateTarget(t, path.child('target')),
      ];
      if (t?.value === undefined && t?.averageValue === undefined) {
        errs.push(required(path.child('target', 'averageValue'), 'must set either a target value or averageValue'));
      }
      return errs;
    }
    case 'external': {
      const t = m.external?.target;
      const errs = [...validateMetricName(m.external?.metric?.name, path.child('metric')), ...validateTarget(t, path.child('target'))];
      if (t?.value === undefined && t?.averageValue === undefined) {
        errs.push(required(path.child('target', 'averageValue'), 'must set either a target value for metric or a per-pod target'));
      }
      if (t?.value !== undefined && t?.averageValue !== undefined) {
        errs.push(forbiddenField(path.child('target', 'value'), 'may not set both a target value for metric and a per-pod target'));
      }
      return errs;
    }
    default: return [];
  }
}

function validateMetric(m: MetricSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const supported = Object.keys(SOURCE_TYPES);
  if (!m.type) errs.push(required(path.child('type'), 'must specify a metric source type'));
  const expected = SOURCE_TYPES[m.type];
  if (!expected) errs.push(notSupported(path.child('type'), m.type ?? '', supported));
  const present = Object.values(SOURCE_TYPES).filter((f) => m[f] !== undefined && m[f] !== null);
  if (present.length === 1) errs.push(...validateSource(m, present[0], path.child(present[0])));
  if (expected && m[expected] === undefined) errs.push(required(path.child(expected), 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const f of present) if (f !== expected) errs.push(forbiddenField(path.child(f), 'must populate the given metric source only'));
  }
  return errs;
}

function validateRules(rules: HPAScalingRules | undefined, path: FieldPath): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && w < 0) errs.push(invalidValue(path.child('stabilizationWindowSeconds'), w, 'must be greater than or equal to zero'));
  if (w !== undefined && w > 3600) errs.push(invalidValue(path.child('stabilizationWindowSeconds'), w, 'must be less than or equal to 3600'));
  if (rules.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy)) {
    errs.push(notSupported(path.child('selectPolicy'), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const pp = path.child('policies');
  if (!rules.policies?.length) errs.push(required(pp, 'must specify at least one Policy'));
  (rules.policies ?? []).forEach((p, i) => {
    const ip = pp.index(i);
    if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(notSupported(ip.child('type'), p.type, ['Percent', 'Pods']));
    if (!(p.value > 0)) errs.push(invalidValue(ip.child('value'), p.value, 'must be greater than zero'));
    if (!(p.periodSeconds > 0)) errs.push(invalidValue(ip.child('periodSeconds'), p.periodSeconds, 'must be greater than zero'));
    if (p.periodSeconds > 1800) errs.push(invalidValue(ip.child('periodSeconds'), p.periodSeconds, 'must be less than or equal to 1800'));
  });
  return errs;
}

export function validateHorizontalPodAutoscalerSpec(spec: HorizontalPodAutoscalerSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [];
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) {
    errs.push(invalidValue(path.child('minReplicas'), spec.minReplicas, 'must be greater than or equal to 1'));
  }
  if (!(spec.maxReplicas >= 1)) errs.push(invalidValue(path.child('maxReplicas'), spec.maxReplicas ?? 0, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
    errs.push(invalidValue(path.child('maxReplicas'), spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  // Upstream stops at the first of these three groups that has errors.
  const ref = validateRef(spec.scaleTargetRef, path.child('scaleTargetRef'));
  if (ref.length) return [...errs, ...ref];
  const metrics = (spec.metrics ?? []).flatMap((m, i) => validateMetric(m, path.child('metrics').index(i)));
  if (metrics.length) return [...errs, ...metrics];
  if (spec.behavior) {
    errs.push(...validateRules(spec.behavior.scaleUp, path.child('behavior', 'scaleUp')));
    errs.push(...validateRules(spec.behavior.scaleDown, path.child('behavior', 'scaleDown')));
  }
  return errs;
}

const hpa = (o: WithMeta): HorizontalPodAutoscaler => o as unknown as HorizontalPodAutoscaler;

export const horizontalPodAutoscalerStrategy: Strategy = {
  defaults: (obj) => defaultHorizontalPodAutoscaler(hpa(obj)),
  ...specStatusHooks,
  validate: (obj) => validateHorizontalPodAutoscalerSpec(hpa(obj).spec, FieldPath.root('spec')),
};
