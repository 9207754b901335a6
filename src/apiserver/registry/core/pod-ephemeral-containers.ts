/**
 * The pods/ephemeralcontainers subresource (upstream's
 * podEphemeralContainersStrategy and ValidatePodEphemeralContainersUpdate):
 * an update or patch of the whole Pod of which only
 * spec.ephemeralContainers is kept. New entries are defaulted like
 * containers and must have a name unique among all containers, a target
 * that is a regular or init container, and none of the fields an
 * ephemeral container may not have; existing entries may not change or go.
 */
import type { Container, EphemeralContainer, Pod } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { duplicate, FieldPath, forbiddenField } from '../../../api/field-errors.js';
import type { WithMeta } from '../../../api/object.js';
import { deepClone, deepEqual } from '../../../api/object.js';
import { defaultContainer } from '../../../api/defaults/container.js';
import { validateContainer } from '../../../api/validation/container.js';
import { validateVolumes } from '../../../api/validation/volumes.js';
import { isMirrorPod } from '../../../api/pods/mirror.js';
import type { StatusStrategy } from '../strategy.js';

/** Fields of EphemeralContainerCommon that upstream's allow list leaves out (lower-cased Go names). */
const DISALLOWED_FIELDS = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'restartPolicyRules', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const;
const DISALLOWED_TEXT = 'cannot be set for an Ephemeral Container';

const asPod = (o: WithMeta): Pod => o as Pod;

function isSet(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Upstream's validateEphemeralContainers. */
export function validateEphemeralContainers(pod: Pod, path: FieldPath): FieldError[] {
  const spec = pod.spec ?? { containers: [] };
  const eph = spec.ephemeralContainers ?? [];
  if (eph.length === 0) return [];
  const errs: FieldError[] = [];
  const others = new Set([...spec.containers ?? [], ...spec.initContainers ?? []].map((c) => c.name));
  const all = new Set(others);
  const volumes = validateVolumes(spec.volumes, FieldPath.root('spec', 'volumes')).names;
  eph.forEach((ec, i) => {
    const p = path.index(i);
    errs.push(...validateContainer(ec as Container, { volumes, hostNetwork: spec.hostNetwork === true }, p));
    if (all.has(ec.name)) errs.push(duplicate(p.child('name'), ec.name));
    else all.add(ec.name);
    if (ec.targetContainerName && !others.has(ec.targetContainerName)) {
      errs.push({ type: 'FieldValueNotFound', field: p.child('targetContainerName').toString(), value: ec.targetContainerName });
    }
    for (const f of DISALLOWED_FIELDS) {
      if (isSet((ec as unknown as Record<string, unknown>)[f])) errs.push(forbiddenField(p.child(f), DISALLOWED_TEXT));
    }
    (ec.volumeMounts ?? []).forEach((vm, j) => {
      if (vm.subPath) errs.push(forbiddenField(p.child('volumeMounts').index(j).child('subPath'), DISALLOWED_TEXT));
      if (vm.subPathExpr) errs.push(forbiddenField(p.child('volumeMounts').index(j).child('subPathExpr'), DISALLOWED_TEXT));
    });
  });
  return errs;
}

export const podEphemeralContainersStrategy: StatusStrategy = {
  /** Everything but spec.ephemeralContainers comes from the stored pod (dropNonEphemeralContainerUpdates). */
  prepareForUpdate(obj: WithMeta, old: WithMeta) {
    const wanted = asPod(obj).spec?.ephemeralContainers;
    for (const k of Object.keys(obj)) if (k !== 'metadata' && !(k in old)) delete obj[k];
    for (const [k, v] of Object.entries(old)) if (k !== 'metadata') obj[k] = deepClone(v);
    obj.metadata = { ...deepClone(old.metadata), resourceVersion: obj.metadata.resourceVersion };
    const spec = asPod(obj).spec ?? { containers: [] };
    if (wanted && wanted.length > 0) {
      for (const ec of wanted) defaultContainer(ec as Container);
      spec.ephemeralContainers = wanted;
    } else {
      delete spec.ephemeralContainers;
    }
  },
  validateUpdate(obj: WithMeta, old: WithMeta) {
    if (isMirrorPod(asPod(old))) return [forbiddenField('', 'static pods do not support ephemeral containers')];
    const path = FieldPath.root('spec', 'ephemeralContainers');
    const errs = validateEphemeralContainers(asPod(obj), path);
    const byName = new Map<string, EphemeralContainer>((asPod(obj).spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
    for (const was of asPod(old).spec?.ephemeralContainers ?? []) {
      const now = byName.get(was.name);
      // Upstream appends a go-cmp diff after the newline; k8ts leaves it out.
      if (!now) errs.push(forbiddenField(path, `existing ephemeral containers ${JSON.stringify(was.name)} may not be removed\n`));
      else if (!deepEqual(was, now)) errs.push(forbiddenField(path, `existing ephemeral containers ${JSON.stringify(was.name)} may not be changed\n`));
    }
    return errs;
  },
};
