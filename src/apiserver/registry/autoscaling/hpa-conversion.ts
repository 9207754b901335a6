/**
 * autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler conversion
 * (upstream pkg/apis/autoscaling/v1/conversion.go). v1 carries one CPU
 * utilization target; everything else v2 holds travels in upstream's
 * round-trip annotations, in upstream's encodings:
 *
 * - `autoscaling.alpha.kubernetes.io/metrics`: the other metric specs, as autoscaling/v1 MetricSpecs;
 * - `autoscaling.alpha.kubernetes.io/current-metrics`: all current metrics, as v1 MetricStatuses;
 * - `autoscaling.alpha.kubernetes.io/conditions`: status conditions;
 * - `autoscaling.alpha.kubernetes.io/behavior`: spec.behavior (upstream marshals its internal
 *   type, whose fields have no JSON tags: `{"ScaleUp":{"StabilizationWindowSeconds":0,...}}`).
 *
 * Deviation: v1 Quantities that are absent in v2 stay absent (Go writes "0").
 */
import type {
  CrossVersionObjectReference, HPAScalingRules, HorizontalPodAutoscaler as HpaV2, HorizontalPodAutoscalerBehavior,
  HorizontalPodAutoscalerCondition, MetricSpec, MetricStatus,
} from 'kubernetes-types/autoscaling/v2.js';
import type { HorizontalPodAutoscaler as HpaV1 } from 'kubernetes-types/autoscaling/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Quantity as ResourceQuantity } from 'kubernetes-types/api/resource.js';
import { deepClone, isPlainObject } from '../../../api/object.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP = [METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

type Quantity = ResourceQuantity;
/** autoscaling/v1's MetricSpec (the v2beta1 shape), which kubernetes-types does not export. */
interface V1MetricSpec {
  type: string;
  object?: { target: CrossVersionObjectReference; metricName: string; targetValue?: Quantity; selector?: LabelSelector; averageValue?: Quantity };
  pods?: { metricName: string; targetAverageValue?: Quantity; selector?: LabelSelector };
  resource?: { name: string; targetAverageUtilization?: number; targetAverageValue?: Quantity };
  containerResource?: { name: string; targetAverageUtilization?: number; targetAverageValue?: Quantity; container: string };
  external?: { metricName: string; metricSelector?: LabelSelector; targetValue?: Quantity; targetAverageValue?: Quantity };
}
interface V1MetricStatus {
  type: string;
  object?: { target: CrossVersionObjectReference; metricName: string; currentValue?: Quantity; selector?: LabelSelector; averageValue?: Quantity };
  pods?: { metricName: string; currentAverageValue?: Quantity; selector?: LabelSelector };
  resource?: { name: string; currentAverageUtilization?: number; currentAverageValue?: Quantity };
  containerResource?: { name: string; currentAverageUtilization?: number; currentAverageValue?: Quantity; container: string };
  external?: { metricName: string; metricSelector?: LabelSelector; currentValue?: Quantity; currentAverageValue?: Quantity };
}

/** Drops undefined members so JSON and deep equality see only what is set. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const isCpuUtilization = (m: MetricSpec): boolean =>
  m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.averageUtilization !== undefined;

function metricSpecToV1(m: MetricSpec): V1MetricSpec {
  const out: V1MetricSpec = { type: m.type };
  if (m.object) {
    out.object = compact({ target: m.object.describedObject, metricName: m.object.metric?.name, targetValue: m.object.target?.value,
      selector: m.object.metric?.selector, averageValue: m.object.target?.averageValue });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric?.name, targetAverageValue: m.pods.target?.averageValue, selector: m.pods.metric?.selector });
  if (m.resource) {
    out.resource = compact({ name: m.resource.name, targetAverageUtilization: m.resource.target?.averageUtilization, targetAverageValue: m.resource.target?.averageValue });
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({ name: c.name, targetAverageUtilization: c.target?.averageUtilization, targetAverageValue: c.target?.averageValue, container: c.container });
  }
  if (m.external) {
    out.external = compact({ metricName: m.external.metric?.name, metricSelector: m.external.metric?.selector,
      targetValue: m.external.target?.value, targetAverageValue: m.external.target?.averageValue });
  }
  return out;
}

function metricSpecFromV1(m: V1MetricSpec): MetricSpec {
  const out: MetricSpec = { type: m.type };
  const id = (name: string, selector?: LabelSelector) => compact({ name, selector });
  if (m.object) {
    const o = m.object;
    out.object = { describedObject: o.target, metric: id(o.metricName, o.selector),
      target: compact({ type: o.averageValue === undefined ? 'Value' : 'AverageValue', value: o.targetValue, averageValue: o.averageValue }) };
  }
  if (m.pods) {
    out.pods = { metric: id(m.pods.metricName, m.pods.selector), target: compact({ type: 'AverageValue', averageValue: m.pods.targetAverageValue }) };
  }
  const resourceTarget = (u?: number, v?: Quantity) =>
    compact({ type: u === undefined ? 'AverageValue' : 'Utilization', averageUtilization: u, averageValue: v });
  if (m.resource) out.resource = { name: m.resource.name, target: resourceTarget(m.resource.targetAverageUtilization, m.resource.targetAverageValue) };
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = { name: c.name, container: c.container, target: resourceTarget(c.targetAverageUtilization, c.targetAverageValue) };
  }
  if (m.external) {
    const e = m.external;
    out.external = { metric: id(e.metricName, e.metricSelector),
      target: compact({ type: e.targetValue === undefined ? 'AverageValue' : 'Value', value: e.targetValue, averageValue: e.targetAverageValue }) };
  }
  return out;
}

function metricStatusToV1(m: MetricStatus): V1MetricStatus {
  const out: V1MetricStatus = { type: m.type };
  if (m.object) {
    out.object = compact({ target: m.object.describedObject, metricName: m.object.metric?.name, currentValue: m.object.current?.value,
      selector: m.object.metric?.selector, averageValue: m.object.current?.averageValue });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric?.name, currentAverageValue: m.pods.current?.averageValue, selector: m.pods.metric?.selector });
  if (m.resource) {
    out.resource = compact({ name: m.resource.name, currentAverageUtilization: m.resource.current?.averageUtilization, currentAverageValue: m.resource.current?.averageValue });
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({ name: c.name, currentAverageUtilization: c.current?.averageUtilization, currentAverageValue: c.current?.averageValue, container: c.container });
  }
  if (m.external) {
    out.external = compact({ metricName: m.external.metric?.name, metricSelector: m.external.metric?.selector,
      currentValue: m.external.current?.value, currentAverageValue: m.external.current?.averageValue });
  }
  return out;
}

function metricStatusFromV1(m: V1MetricStatus): MetricStatus {
  const out: MetricStatus = { type: m.type };
  const id = (name: string, selector?: LabelSelector) => compact({ name, selector });
  if (m.object) {
    const o = m.object;
    out.object = { describedObject: o.target, metric: id(o.metricName, o.selector), current: compact({ value: o.currentValue, averageValue: o.averageValue }) };
  }
  if (m.pods) out.pods = { metric: id(m.pods.metricName, m.pods.selector), current: compact({ averageValue: m.pods.currentAverageValue }) };
  if (m.resource) {
    out.resource = { name: m.resource.name, current: compact({ averageUtilization: m.resource.currentAverageUtilization, averageValue: m.resource.currentAverageValue }) };
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = { name: c.name, container: c.container, current: compact({ averageUtilization: c.currentAverageUtilization, averageValue: c.currentAverageValue }) };
  }
  if (m.external) {
    const e = m.external;
    out.external = { metric: id(e.metricName, e.metricSelector), current: compact({ value: e.currentValue, averageValue: e.currentAverageValue }) };
  }
  return out;
}

/** The behavior as Go marshals the internal type: field names unchanged, nil pointers as null. */
function behaviorToAnnotation(b: HorizontalPodAutoscalerBehavior): string {
  const rules = (r: HPAScalingRules | undefined) => r === undefined ? null : {
    StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
    SelectPolicy: r.selectPolicy ?? null,
    Policies: r.policies?.map((p) => ({ Type: p.type, Value: p.value, PeriodSeconds: p.periodSeconds })) ?? null,
    ...((r as { tolerance?: unknown }).tolerance !== undefined ? { Tolerance: (r as { tolerance?: unknown }).tolerance } : {}),
  };
  return JSON.stringify({ ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) });
}

/** Go's encoding/json matches keys case-insensitively; so does this reader. */
function field(o: unknown, name: string): unknown {
  if (!isPlainObject(o)) return undefined;
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined || o[k] === null ? undefined : o[k];
}

function behaviorFromAnnotation(s: string): HorizontalPodAutoscalerBehavior | undefined {
  let raw: unknown;
  try { raw = JSON.parse(s); } catch { return undefined; }
  const rules = (r: unknown): HPAScalingRules | undefined => {
    if (!isPlainObject(r)) return undefined;
    const policies = field(r, 'policies');
    return compact({
      stabilizationWindowSeconds: field(r, 'stabilizationWindowSeconds') as number | undefined,
      selectPolicy: field(r, 'selectPolicy') as string | undefined,
      policies: Array.isArray(policies)
        ? policies.map((p) => ({ type: field(p, 'type') as string, value: field(p, 'value') as number, periodSeconds: field(p, 'periodSeconds') as number }))
        : undefined,
      tolerance: field(r, 'tolerance'),
    }) as HPAScalingRules;
  };
  return compact({ scaleUp: rules(field(raw, 'scaleUp')), scaleDown: rules(field(raw, 'scaleDown')) });
}

function parseList<T>(s: string | undefined): T[] | undefined {
  if (s === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v as T[] : undefined;
  } catch {
    return undefined;
  }
}

/** autoscaling/v2 (storage) -> autoscaling/v1 (served). */
export function hpaV2ToV1(input: HpaV2): HpaV1 {
  const src = deepClone(input);
  const meta = src.metadata ?? {};
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  for (const k of ROUND_TRIP) delete annotations[k];
  const spec = src.spec;
  const metrics = spec?.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => !isCpuUtilization(m));
  if (others.length > 0) annotations[METRIC_SPECS_ANNOTATION] = JSON.stringify(others.map(metricSpecToV1));
  const status = src.status;
  const current = status?.currentMetrics ?? [];
  if (current.length > 0) annotations[METRIC_STATUSES_ANNOTATION] = JSON.stringify(current.map(metricStatusToV1));
  if (spec?.behavior) annotations[BEHAVIOR_ANNOTATION] = behaviorToAnnotation(spec.behavior);
  if (status?.conditions?.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
  const outMeta = { ...meta };
  if (Object.keys(annotations).length > 0) outMeta.annotations = annotations; else delete outMeta.annotations;

  const out: HpaV1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: outMeta };
  if (spec) {
    out.spec = compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization,
    });
  }
  if (status) {
    const cpuNow = current.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')?.resource?.current?.averageUtilization;
    (out as { status?: unknown }).status = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      currentCPUUtilizationPercentage: cpuNow,
    });
  }
  return out;
}

/** autoscaling/v1 (served) -> autoscaling/v2 (storage). */
export function hpaV1ToV2(input: HpaV1): HpaV2 {
  const src = deepClone(input);
  const meta = src.metadata ?? {};
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  const otherMetrics = parseList<V1MetricSpec>(annotations[METRIC_SPECS_ANNOTATION]);
  const currentMetrics = parseList<V1MetricStatus>(annotations[METRIC_STATUSES_ANNOTATION]);
  const conditions = parseList<HorizontalPodAutoscalerCondition>(annotations[CONDITIONS_ANNOTATION]);
  const behavior = annotations[BEHAVIOR_ANNOTATION] !== undefined ? behaviorFromAnnotation(annotations[BEHAVIOR_ANNOTATION]) : undefined;
  for (const k of ROUND_TRIP) delete annotations[k];
  const outMeta = { ...meta };
  if (Object.keys(annotations).length > 0) outMeta.annotations = annotations; else delete outMeta.annotations;

  const out: HpaV2 = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: outMeta };
  const spec = src.spec;
  if (spec) {
    // Upstream lists the annotation's metrics first and the CPU target last.
    const metrics: MetricSpec[] = (otherMetrics ?? []).map(metricSpecFromV1);
    if (spec.targetCPUUtilizationPercentage !== undefined) {
      metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
    }
    out.spec = compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics: metrics.length > 0 ? metrics : undefined,
      behavior,
    });
  }
  const status = (src as { status?: HpaV1['status'] }).status;
  if (status) {
    let current: MetricStatus[] | undefined;
    if (currentMetrics) current = currentMetrics.map(metricStatusFromV1);
    else if (status.currentCPUUtilizationPercentage !== undefined) {
      current = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
    }
    (out as { status?: unknown }).status = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      currentMetrics: current,
      conditions,
    });
  }
  return out;
}
