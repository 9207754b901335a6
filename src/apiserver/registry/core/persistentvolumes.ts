/**
 * PersistentVolumes (upstream's pkg/registry/core/persistentvolume,
 * SetDefaults_PersistentVolume, ValidatePersistentVolume and its update).
 * Cluster-scoped.
 */
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, notSupported, required } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import { validateQuantity } from '../../../api/validation/resources.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';
import { keepAllButStatus, keepStatus, setStatus } from './status.js';
import { nowRfc3339Seconds } from '../../../api/time.js';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

/** The PersistentVolumeSource members (spec fields that name a volume plugin). */
const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs',
  'fc', 'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
];

const asPV = (o: KubeObject): PersistentVolume => o as PersistentVolume;

export function defaultPersistentVolume(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ??= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  if (pv.status === undefined) setStatus(pv, {});
  if (pv.status && !pv.status.phase) setStatus(pv, { ...pv.status, phase: 'Pending' });
}

export function validateAccessModes(modes: string[] | undefined, path: FieldPath): FieldError[] {
  if (!modes?.length) return [required(path)];
  const errs: FieldError[] = modes.filter((m) => !ACCESS_MODES.includes(m)).map((m) => notSupported(path, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errs.push(forbiddenField(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const errs: FieldError[] = [];
  const spec = pv.spec ?? {};
  const path = FieldPath.root('spec');
  errs.push(...validateAccessModes(spec.accessModes, path.child('accessModes')));
  const capacity = (spec.capacity ?? {}) as Record<string, unknown>;
  if (Object.keys(capacity).length === 0) errs.push(required(path.child('capacity')));
  else if (!('storage' in capacity) || Object.keys(capacity).length > 1) errs.push(notSupported(path.child('capacity'), capacity, ['storage']));
  for (const [k, q] of Object.entries(capacity)) errs.push(...validateQuantity(q, path.child('capacity').key(k)).errs);
  const src = spec as Record<string, unknown>;
  const present = PV_SOURCES.filter((k) => src[k] !== undefined && src[k] !== null);
  if (present.length === 0) errs.push(required(path, 'must specify a volume type'));
  for (const k of present.slice(1)) errs.push(forbiddenField(path.child(k), 'may not specify more than 1 volume type'));
  if (spec.hostPath && !spec.hostPath.path) errs.push(required(path.child('hostPath', 'path')));
  if (spec.local && !spec.local.path) errs.push(required(path.child('local', 'path')));
  if (spec.local && !spec.nodeAffinity) errs.push(required(path.child('nodeAffinity'), 'Local volume requires node affinity'));
  if (spec.csi && !spec.csi.driver) errs.push(required(path.child('csi', 'driver')));
  if (spec.csi && !spec.csi.volumeHandle) errs.push(required(path.child('csi', 'volumeHandle')));
  const rp = spec.persistentVolumeReclaimPolicy;
  if (rp !== undefined && !RECLAIM_POLICIES.includes(rp)) errs.push(notSupported(path.child('persistentVolumeReclaimPolicy'), rp, RECLAIM_POLICIES));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(notSupported(path.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  }
  return errs;
}

/** The volume source, volumeMode and nodeAffinity are fixed at creation. */
export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (pv.spec ?? {}) as Record<string, unknown>;
  const oldSpec = (old.spec ?? {}) as Record<string, unknown>;
  const source = (s: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(PV_SOURCES.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
  if (!deepEqual(source(spec), source(oldSpec))) {
    errs.push(forbiddenField(FieldPath.root('spec', 'persistentvolumesource'), 'spec.persistentvolumesource is forbidden once set'));
  }
  errs.push(...validateImmutableField(pv.spec?.volumeMode, old.spec?.volumeMode, FieldPath.root('volumeMode')));
  if (old.spec?.nodeAffinity) errs.push(...validateImmutableField(pv.spec?.nodeAffinity, old.spec.nodeAffinity, FieldPath.root('nodeAffinity')));
  return errs;
}

export const persistentVolumeStrategy: Strategy = {
  defaults: (obj) => defaultPersistentVolume(asPV(obj)),
  prepareForCreate: (obj) => setStatus(obj, { phase: 'Pending', lastPhaseTransitionTime: nowRfc3339Seconds() }),
  prepareForUpdate: keepStatus,
  validate: (obj) => validatePersistentVolume(asPV(obj)),
  validateUpdate: (obj, old) => validatePersistentVolumeUpdate(asPV(obj), asPV(old)),
  status: {
    prepareForUpdate(obj, old) {
      keepAllButStatus(obj, old);
      const phase = asPV(obj).status?.phase;
      const oldStatus = asPV(old).status;
      if (phase && phase !== oldStatus?.phase) setStatus(obj, { ...asPV(obj).status, lastPhaseTransitionTime: nowRfc3339Seconds() });
    },
  },
};
