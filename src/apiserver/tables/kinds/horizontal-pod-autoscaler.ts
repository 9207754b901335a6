/**
 * HorizontalPodAutoscalers: printHorizontalPodAutoscaler and formatHPAMetrics
 * in pkg/printers/internalversion/printers.go. Upstream prints the internal
 * (v2-shaped) object for both autoscaling/v1 and v2 requests; a v1-shaped
 * object is mapped first, as upstream's conversion does for its CPU target.
 */
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import type { HorizontalPodAutoscaler as HpaV1 } from 'kubernetes-types/autoscaling/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { HorizontalPodAutoscalerSpecDoc, HorizontalPodAutoscalerStatusDoc } from '../descriptions.js';
import { as } from '../format.js';

/** (*resource.Quantity).String(): "<nil>" for a missing quantity. */
function q(v: string | number | null | undefined): string {
  return v === undefined || v === null ? '<nil>' : String(v);
}

function pct(v: number | null | undefined, none: string): string {
  return v === undefined || v === null ? none : `${v}%`;
}

/** One metric as "current/target", "name: current/target" or with " (avg)". */
function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External': {
      const target = spec.external?.target;
      if (target?.averageValue !== undefined && target?.averageValue !== null) {
        const cur = status?.external?.current?.averageValue;
        return `${cur !== undefined && cur !== null ? q(cur) : '<unknown>'}/${q(target.averageValue)} (avg)`;
      }
      return `${status?.external ? q(status.external.current?.value) : '<unknown>'}/${q(target?.value)}`;
    }
    case 'Pods':
      return `${status?.pods ? q(status.pods.current?.averageValue) : '<unknown>'}/${q(spec.pods?.target?.averageValue)}`;
    case 'Object': {
      const target = spec.object?.target;
      if (target?.averageValue !== undefined && target?.averageValue !== null) {
        const cur = status?.object?.current?.averageValue;
        return `${cur !== undefined && cur !== null ? q(cur) : '<unknown>'}/${q(target.averageValue)} (avg)`;
      }
      return `${status?.object ? q(status.object.current?.value) : '<unknown>'}/${q(target?.value)}`;
    }
    case 'Resource': {
      const r = spec.resource;
      if (r?.target?.averageValue !== undefined && r?.target?.averageValue !== null) {
        return `${r.name}: ${status?.resource ? q(status.resource.current?.averageValue) : '<unknown>'}/${q(r.target.averageValue)}`;
      }
      return `${r?.name ?? ''}: ${pct(status?.resource?.current?.averageUtilization, '<unknown>')}/${pct(r?.target?.averageUtilization, '<auto>')}`;
    }
    case 'ContainerResource': {
      const r = spec.containerResource;
      if (r?.target?.averageValue !== undefined && r?.target?.averageValue !== null) {
        return `${r.name}: ${status?.containerResource ? q(status.containerResource.current?.averageValue) : '<unknown>'}/${q(r.target.averageValue)}`;
      }
      return `${r?.name ?? ''}: ${pct(status?.containerResource?.current?.averageUtilization, '<unknown>')}/${pct(r?.target?.averageUtilization, '<auto>')}`;
    }
    default:
      return '<unknown type>';
  }
}

/** "<none>" without metrics; the first two, then " + N more...". */
export function formatHPAMetrics(specs: MetricSpec[], statuses: MetricStatus[]): string {
  if (specs.length === 0) return '<none>';
  const max = 2;
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  if (list.length <= max) return list.join(', ');
  return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
}

/** The v2 view of an HPA, mapping autoscaling/v1's CPU utilization fields. */
function toV2(obj: KubeObject): HorizontalPodAutoscaler {
  const v1 = as<HpaV1>(obj);
  const isV1 = obj.apiVersion === 'autoscaling/v1'
    || (obj.apiVersion === undefined && v1.spec !== undefined && 'targetCPUUtilizationPercentage' in v1.spec);
  if (!isV1) return as<HorizontalPodAutoscaler>(obj);
  const target = v1.spec?.targetCPUUtilizationPercentage;
  const current = v1.status?.currentCPUUtilizationPercentage;
  return {
    metadata: v1.metadata,
    spec: {
      scaleTargetRef: v1.spec?.scaleTargetRef ?? { kind: '', name: '' },
      minReplicas: v1.spec?.minReplicas,
      maxReplicas: v1.spec?.maxReplicas ?? 0,
      metrics: target === undefined ? [] : [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } },
      ],
    },
    status: {
      currentReplicas: v1.status?.currentReplicas,
      desiredReplicas: v1.status?.desiredReplicas ?? 0,
      currentMetrics: current === undefined ? [] : [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } },
      ],
    },
  };
}

export const horizontalPodAutoscalerConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Reference', 'string', HorizontalPodAutoscalerSpecDoc.scaleTargetRef),
    col('Targets', 'string', HorizontalPodAutoscalerSpecDoc.metrics),
    col('MinPods', 'string', HorizontalPodAutoscalerSpecDoc.minReplicas),
    col('MaxPods', 'string', HorizontalPodAutoscalerSpecDoc.maxReplicas),
    col('Replicas', 'string', HorizontalPodAutoscalerStatusDoc.currentReplicas),
    AGE_COLUMN,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const hpa = toV2(obj);
    const min = hpa.spec?.minReplicas;
    return [
      hpa.metadata?.name ?? '',
      `${hpa.spec?.scaleTargetRef?.kind ?? ''}/${hpa.spec?.scaleTargetRef?.name ?? ''}`,
      formatHPAMetrics(hpa.spec?.metrics ?? [], hpa.status?.currentMetrics ?? []),
      min === undefined || min === null ? '<unset>' : String(min),
      hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      translateTimestampSince(hpa.metadata?.creationTimestamp, now),
    ];
  },
};
