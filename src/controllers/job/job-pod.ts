/**
 * The pod a Job creates: its template with the controller reference and the
 * tracking finalizer; for Indexed Jobs also the completion index (annotation,
 * label, JOB_COMPLETION_INDEX in every container's environment) and the
 * hostname `<job>-<index>`.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { podFromTemplate, newControllerRef } from '../shared/index.js';
import { JOB_COMPLETION_INDEX, JOB_COMPLETION_INDEX_ENV, JOB_TRACKING_FINALIZER } from './constants.js';

function withIndexEnv(c: Container): Container {
  if (c.env?.some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) return c;
  return {
    ...c,
    env: [...(c.env ?? []), {
      name: JOB_COMPLETION_INDEX_ENV,
      valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } },
    }],
  };
}

export function podForJob(job: Job, index?: number): Pod {
  const name = job.metadata!.name!;
  const ref = newControllerRef(job, 'batch/v1', 'Job');
  const pod = podFromTemplate(job.spec!.template, job.metadata!.namespace!, ref,
    { generateName: index === undefined ? `${name}-` : `${name}-${index}-` });
  const meta = pod.metadata!;
  meta.finalizers = [...(meta.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER];
  if (index !== undefined) {
    meta.annotations = { ...meta.annotations, [JOB_COMPLETION_INDEX]: String(index) };
    meta.labels = { ...meta.labels, [JOB_COMPLETION_INDEX]: String(index) };
    const spec = pod.spec!;
    spec.hostname = `${name}-${index}`;
    spec.containers = spec.containers.map(withIndexEnv);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndexEnv);
  }
  return pod;
}
