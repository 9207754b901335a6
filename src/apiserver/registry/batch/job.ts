/**
 * batch/v1 Job (upstream pkg/registry/batch/job/strategy.go,
 * pkg/apis/batch/v1/defaults.go SetDefaults_Job, pkg/apis/batch/validation).
 *
 * On create, unless spec.manualSelector is true, the selector is generated
 * from the uid the generic store has already set: `batch.kubernetes.io/controller-uid`
 * in the selector, and the four controller-uid/job-name labels on the template.
 */
import type { Job, JobSpec } from 'kubernetes-types/batch/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, required } from '../../../api/field-errors.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import { isDNS1123Label } from '../../../api/validation/names.js';
import { labelSelectorMatches, validateLabelSelector } from '../../../api/validation/label-selector.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import type { Strategy } from '../strategy.js';
import { clearStatus, keepStatus, statusOnly } from '../apps/spec-status.js';
import { SELECTOR_MISMATCH } from '../apps/workload-template.js';
import { validateJobSpecBody } from './job-spec.js';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

/** SetDefaults_Job (JobPodReplacementPolicy on, as since 1.29) plus the template's pod defaults. */
export function defaultJob(job: Job): void {
  const spec = (job.spec ??= { template: {} });
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  const tmplLabels = spec.template?.metadata?.labels;
  const meta = (job.metadata ??= {});
  if (tmplLabels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...tmplLabels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const c of rule.onPodConditions ?? []) c.status ||= 'True';
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

/** generateSelector: template labels and selector from metadata.uid and metadata.name. */
export function generateJobSelector(job: Job): void {
  const spec = job.spec as JobSpec;
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  const tmpl: PodTemplateSpec = (spec.template ??= {});
  const labels = ((tmpl.metadata ??= {}).labels ??= {});
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  const sel = (spec.selector ??= {});
  const ml = (sel.matchLabels ??= {});
  if (!(CONTROLLER_UID_LABEL in ml)) ml[CONTROLLER_UID_LABEL] = uid;
}

/** ValidateHasLabel: `must be '<expected>'`. */
function hasLabel(tmpl: PodTemplateSpec | undefined, key: string, expected: string): FieldError[] {
  const path = FieldPath.root('spec', 'template', 'metadata', 'labels').key(key);
  const labels = tmpl?.metadata?.labels ?? {};
  if (!(key in labels)) return [required(path, `must be '${expected}'`)];
  return labels[key] === expected ? [] : [invalidValue(path, labels, `must be '${expected}'`)];
}

/** validateGeneratedSelector: the generated labels are present and the selector selects them. */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec;
  if (!spec || spec.manualSelector === true || !spec.selector) return [];
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const errs: FieldError[] = [];
  if (!uid) errs.push(required(FieldPath.root('metadata', 'uid')));
  errs.push(...hasLabel(spec.template, LEGACY_CONTROLLER_UID_LABEL, uid));
  errs.push(...hasLabel(spec.template, LEGACY_JOB_NAME_LABEL, name));
  errs.push(...hasLabel(spec.template, CONTROLLER_UID_LABEL, uid));
  errs.push(...hasLabel(spec.template, JOB_NAME_LABEL, name));
  const expected = { [CONTROLLER_UID_LABEL]: uid, [JOB_NAME_LABEL]: name, [LEGACY_CONTROLLER_UID_LABEL]: uid, [LEGACY_JOB_NAME_LABEL]: name };
  if (validateLabelSelector(spec.selector, FieldPath.root('spec', 'selector')).length === 0
    && !labelSelectorMatches(spec.selector, expected)) {
    errs.push(invalidValue(FieldPath.root('spec', 'selector'), spec.selector, '`selector` not auto-generated'));
  }
  return errs;
}

export function validateJob(job: Job): FieldError[] {
  const spec = job.spec;
  const path = FieldPath.root('spec');
  if (!spec) return [required(path)];
  const errs = validateGeneratedSelector(job);
  if (!spec.selector) {
    errs.push(required(path.child('selector')));
  } else {
    const selErrs = validateLabelSelector(spec.selector, path.child('selector'));
    errs.push(...selErrs);
    if (selErrs.length === 0 && !labelSelectorMatches(spec.selector, spec.template?.metadata?.labels)) {
      errs.push(invalidValue(path.child('template', 'metadata', 'labels'), spec.template?.metadata?.labels ?? {}, SELECTOR_MISMATCH));
    }
  }
  errs.push(...validateJobSpecBody(spec, path));
  if (spec.completionMode === 'Indexed' && (spec.completions ?? 0) > 0) {
    const host = `${job.metadata?.name ?? ''}-${(spec.completions ?? 1) - 1}`;
    if (isDNS1123Label(host).length > 0) {
      errs.push(invalidValue(FieldPath.root('metadata', 'name'), job.metadata?.name, `will not able to create pod with invalid DNS label: ${host}`));
    }
  }
  return errs;
}

/**
 * The template is immutable, except that a suspended Job that never started
 * may change its scheduling directives (node affinity, nodeSelector,
 * tolerations, schedulingGates, labels, annotations).
 */
function validateTemplateUpdate(job: Job, old: Job): FieldError[] {
  const tmpl = job.spec?.template;
  let oldTmpl = old.spec?.template;
  const mutableScheduling = old.spec?.suspend === true && !old.status?.startTime;
  if (mutableScheduling && tmpl && oldTmpl) {
    oldTmpl = deepClone(oldTmpl);
    const os = (oldTmpl.spec ??= { containers: [] });
    const ns = tmpl.spec;
    if (!ns?.affinity && os.affinity) {
      delete os.affinity.nodeAffinity;
      if (Object.keys(os.affinity).length === 0) delete os.affinity;
    } else if (ns?.affinity) {
      const rest = { ...(os.affinity ?? {}) };
      delete rest.nodeAffinity;
      os.affinity = ns.affinity.nodeAffinity ? { ...rest, nodeAffinity: ns.affinity.nodeAffinity } : rest;
    }
    const setOrDelete = <K extends 'nodeSelector' | 'tolerations' | 'schedulingGates'>(k: K): void => {
      if (ns?.[k] === undefined) delete os[k]; else os[k] = ns[k];
    };
    setOrDelete('nodeSelector');
    setOrDelete('tolerations');
    setOrDelete('schedulingGates');
    const om = (oldTmpl.metadata ??= {});
    if (tmpl.metadata?.labels === undefined) delete om.labels; else om.labels = tmpl.metadata.labels;
    if (tmpl.metadata?.annotations === undefined) delete om.annotations; else om.annotations = tmpl.metadata.annotations;
  }
  return validateImmutableField(tmpl, oldTmpl, FieldPath.root('spec', 'template'));
}

/** Completions may change only for Indexed jobs, and then only together with parallelism. */
function validateCompletionsUpdate(spec: JobSpec, old: JobSpec): FieldError[] {
  const path = FieldPath.root('spec', 'completions');
  if (spec.completionMode !== 'Indexed') return validateImmutableField(spec.completions, old.completions, path);
  if (spec.completions === old.completions || spec.completions === undefined) return [];
  return spec.completions !== spec.parallelism
    ? [invalidValue(path, spec.completions, 'can only be modified in tandem with spec.parallelism')] : [];
}

export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const spec = job.spec;
  const os = old.spec;
  if (!spec || !os) return [];
  const p = FieldPath.root('spec');
  return [
    ...validateCompletionsUpdate(spec, os),
    ...validateImmutableField(spec.selector, os.selector, p.child('selector')),
    ...validateTemplateUpdate(job, old),
    ...validateImmutableField(spec.completionMode, os.completionMode, p.child('completionMode')),
    ...validateImmutableField(spec.podFailurePolicy, os.podFailurePolicy, p.child('podFailurePolicy')),
    ...validateImmutableField(spec.backoffLimitPerIndex, os.backoffLimitPerIndex, p.child('backoffLimitPerIndex')),
    ...validateImmutableField(spec.managedBy, os.managedBy, p.child('managedBy')),
  ];
}

const job = (o: WithMeta): Job => o as unknown as Job;

export const jobStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultJob(job(obj)),
  prepareForCreate(obj) {
    clearStatus(obj);
    const j = job(obj);
    if (j.spec && j.spec.manualSelector !== true) generateJobSelector(j);
    // Upstream re-defaults on every read; the job's labels then mirror the generated template labels.
    const tmplLabels = j.spec?.template?.metadata?.labels;
    if (tmplLabels && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...tmplLabels };
  },
  prepareForUpdate: keepStatus,
  validate: (obj) => validateJob(job(obj)),
  validateUpdate: (obj, old) => validateJobUpdate(job(obj), job(old)),
  status: statusOnly,
};
