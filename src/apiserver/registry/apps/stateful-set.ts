/**
 * apps/v1 StatefulSet (upstream pkg/registry/apps/statefulset/strategy.go,
 * SetDefaults_StatefulSet, ValidateStatefulSetSpec/Update).
 */
import type { StatefulSet, StatefulSetSpec } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { nonNegative } from '../../../api/validation/container.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import type { Strategy } from '../strategy.js';
import { specStatusHooks } from './spec-status.js';
import { validateAlwaysRunningTemplate, validateSelectorMatchesTemplate, validateWorkloadSelector } from './workload-template.js';

export const STATEFULSET_SPEC_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
  + "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/** The spec fields an update may change (everything else must equal old's). */
const MUTABLE_SPEC_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** A volumeClaimTemplate as the server shows it: typed, volumeMode Filesystem, status phase Pending. */
function defaultClaimTemplate(pvc: PersistentVolumeClaim): void {
  pvc.apiVersion ??= 'v1';
  pvc.kind ??= 'PersistentVolumeClaim';
  const spec = (pvc.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  const w = pvc as { status?: { phase?: string } };
  const status = (w.status ??= {});
  status.phase ??= 'Pending';
}

export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= { selector: {}, template: {} } as StatefulSetSpec);
  spec.podManagementPolicy ||= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  if (!us.type) {
    us.type = 'RollingUpdate';
    us.rollingUpdate ??= {};
  }
  if (us.type === 'RollingUpdate' && us.rollingUpdate) us.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
  for (const pvc of spec.volumeClaimTemplates ?? []) defaultClaimTemplate(pvc);
}

const RETENTION = ['Delete', 'Retain'];

/**
 * The template as its pods will be: each volumeClaimTemplate becomes a volume
 * of the same name, so mounts of claims validate (upstream skips volume
 * checks of StatefulSet templates for this reason).
 */
function withClaimVolumes(spec: StatefulSetSpec): StatefulSetSpec['template'] {
  const claims = (spec.volumeClaimTemplates ?? []).map((c) => c.metadata?.name).filter((n): n is string => !!n);
  if (!spec.template?.spec || claims.length === 0) return spec.template;
  const have = new Set((spec.template.spec.volumes ?? []).map((v) => v.name));
  const extra = claims.filter((n) => !have.has(n)).map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
  return { ...spec.template, spec: { ...spec.template.spec, volumes: [...(spec.template.spec.volumes ?? []), ...extra] } };
}

export function validateStatefulSetSpec(spec: StatefulSetSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [];
  switch (spec.podManagementPolicy) {
    case undefined: case '': errs.push(required(path.child('podManagementPolicy'))); break;
    case 'OrderedReady': case 'Parallel': break;
    default: errs.push(invalidValue(path.child('podManagementPolicy'), spec.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const up = path.child('updateStrategy');
  const us = spec.updateStrategy ?? {};
  switch (us.type) {
    case undefined: case '': errs.push(required(up)); break;
    case 'OnDelete':
      if (us.rollingUpdate) errs.push(invalidValue(up.child('rollingUpdate'), us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      errs.push(...nonNegative(us.rollingUpdate?.partition, up.child('rollingUpdate', 'partition')));
      break;
    default:
      errs.push(invalidValue(up, us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const rp = spec.persistentVolumeClaimRetentionPolicy;
  if (rp) {
    const p = path.child('persistentVolumeClaimRetentionPolicy');
    if (!RETENTION.includes(rp.whenDeleted ?? '')) errs.push(notSupported(p.child('whenDeleted'), rp.whenDeleted ?? '', RETENTION));
    if (!RETENTION.includes(rp.whenScaled ?? '')) errs.push(notSupported(p.child('whenScaled'), rp.whenScaled ?? '', RETENTION));
  }
  errs.push(...nonNegative(spec.replicas, path.child('replicas')));
  errs.push(...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')));
  if (spec.ordinals) errs.push(...nonNegative(spec.ordinals.start, path.child('ordinals.start')));
  const sel = validateWorkloadSelector(spec.selector, path.child('selector'), 'empty selector is invalid for statefulset');
  errs.push(...sel.errs);
  if (sel.usable) errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, path.child('template')));
  errs.push(...validateAlwaysRunningTemplate(withClaimVolumes(spec), path.child('template'), 'StatefulSet'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

/** Only the MUTABLE_SPEC_FIELDS may change; anything else is refused as a whole (`spec: Forbidden: ...`). */
export function validateStatefulSetUpdate(spec: StatefulSetSpec | undefined, old: StatefulSetSpec | undefined): FieldError[] {
  const strip = (s: StatefulSetSpec | undefined): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...(s ?? {}) };
    for (const k of MUTABLE_SPEC_FIELDS) delete copy[k];
    return copy;
  };
  return deepEqual(strip(spec), strip(old)) ? [] : [forbiddenField(FieldPath.root('spec'), STATEFULSET_SPEC_FORBIDDEN)];
}

const sts = (o: WithMeta): StatefulSet => o as unknown as StatefulSet;

export const statefulSetStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultStatefulSet(sts(obj)),
  ...specStatusHooks,
  validate: (obj) => validateStatefulSetSpec(sts(obj).spec, FieldPath.root('spec')),
  validateUpdate: (obj, old) => validateStatefulSetUpdate(sts(obj).spec, sts(old).spec),
};
