/**
 * Pods (upstream's pkg/registry/core/pod/strategy.go and ValidatePodCreate /
 * ValidatePodUpdate / ValidatePodStatusUpdate).
 */
import type { Pod, Toleration } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, required } from '../../../api/field-errors.js';
import type { KubeObject, WithMeta } from '../../../api/object.js';
import { deepClone, deepEqual } from '../../../api/object.js';
import { admitPod } from '../../../api/defaults/admit-pod.js';
import { defaultPod } from '../../../api/defaults/pod.js';
import { isDNS1123Subdomain, isValidIP } from '../../../api/validation/names.js';
import { validatePodSpec, validateTolerations } from '../../../api/validation/pod.js';
import { podQOSClass } from '../../../api/pods/index.js';
import type { Strategy } from '../strategy.js';
import { keepAllButStatus, keepStatus, setStatus } from './status.js';
import { podEphemeralContainersStrategy } from './pod-ephemeral-containers.js';

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** Upstream's Forbidden detail for a pod spec update that touches other fields (without its go-cmp diff). */
export const POD_UPDATE_FORBIDDEN = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}`;

const asPod = (o: KubeObject): Pod => o as Pod;

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '')
    && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/** Old tolerations must all remain (only a NoExecute one's tolerationSeconds may change). */
function validateOnlyAddedTolerations(newT: Toleration[], oldT: Toleration[], path: FieldPath): FieldError[] {
  for (const o of oldT) {
    const kept = newT.some((n) => sameToleration(n, o)
      && (n.tolerationSeconds === o.tolerationSeconds || o.effect === 'NoExecute'));
    if (!kept) return [forbiddenField(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const specPath = FieldPath.root('spec');
  const spec = pod.spec ?? { containers: [] };
  const oldSpec = old.spec ?? { containers: [] };
  const errs: FieldError[] = [];

  if ((spec.containers ?? []).length !== (oldSpec.containers ?? []).length) {
    return [forbiddenField(specPath.child('containers'), 'pod updates may not add or remove containers')];
  }
  if ((spec.initContainers ?? []).length !== (oldSpec.initContainers ?? []).length) {
    return [forbiddenField(specPath.child('initContainers'), 'pod updates may not add or remove containers')];
  }

  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined) {
    if (ads < 0 || ads > 2147483647) {
      return [invalidValue(specPath.child('activeDeadlineSeconds'), ads, 'must be between 0 and 2147483647, inclusive')];
    }
    if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds < ads) {
      return [invalidValue(specPath.child('activeDeadlineSeconds'), ads, 'must be less than or equal to previous value')];
    }
  } else if (oldSpec.activeDeadlineSeconds !== undefined) {
    errs.push(invalidValue(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  }

  const munged = deepClone(spec);
  munged.containers?.forEach((c, i) => { c.image = oldSpec.containers[i].image; });
  munged.initContainers?.forEach((c, i) => { c.image = oldSpec.initContainers?.[i].image ?? c.image; });
  if (oldSpec.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  const tolErrs = validateOnlyAddedTolerations(spec.tolerations ?? [], oldSpec.tolerations ?? [], specPath.child('tolerations'));
  errs.push(...tolErrs);
  if (tolErrs.length === 0) {
    if (oldSpec.tolerations === undefined) delete munged.tolerations; else munged.tolerations = deepClone(oldSpec.tolerations);
  }
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  // Scheduling gates may only be removed.
  const oldGates = (oldSpec.schedulingGates ?? []).map((g) => g.name);
  if ((munged.schedulingGates ?? []).every((g) => oldGates.includes(g.name))) {
    if (oldSpec.schedulingGates === undefined) delete munged.schedulingGates; else munged.schedulingGates = deepClone(oldSpec.schedulingGates);
  }
  if (!deepEqual(munged, oldSpec)) errs.push(forbiddenField(specPath, POD_UPDATE_FORBIDDEN));
  (spec.containers ?? []).forEach((c, i) => {
    if (!c.image) errs.push(required(specPath.child('containers').index(i).child('image')));
  });
  errs.push(...validateTolerations(spec.tolerations, specPath.child('tolerations')));
  return errs;
}

/** Status updates: the pod IPs and the nominated node must be well-formed. */
function validatePodStatusUpdate(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const status = pod.status ?? {};
  const path = FieldPath.root('status');
  if (status.nominatedNodeName) {
    errs.push(...isDNS1123Subdomain(status.nominatedNodeName)
      .map((m) => invalidValue(path.child('nominatedNodeName'), status.nominatedNodeName, m)));
  }
  for (const [k, list] of [['podIPs', status.podIPs], ['hostIPs', status.hostIPs]] as const) {
    const seen = new Set<string>();
    (list ?? []).forEach((ip, i) => {
      const p = path.child(k).index(i);
      errs.push(...isValidIP(ip.ip ?? '').map((m) => invalidValue(p, ip.ip ?? '', m)));
      if (ip.ip && seen.has(ip.ip)) errs.push({ type: 'FieldValueDuplicate', field: p.toString(), value: ip.ip });
      if (ip.ip) seen.add(ip.ip);
    });
  }
  return errs;
}

export const podStrategy: Strategy = {
  // Pods on a node wait for the node to confirm (or for the grace period to end); others go at once.
  deletionGracePeriod(obj, requested) {
    const pod = asPod(obj);
    const phase = pod.status?.phase;
    if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    // One that is no number (stored before request bodies were type-checked) counts as unset.
    const own = pod.spec.terminationGracePeriodSeconds;
    return requested ?? (typeof own === 'number' ? own : 30);
  },
  defaults(obj) {
    defaultPod(asPod(obj));
  },
  prepareForCreate(obj) {
    const pod = asPod(obj);
    // Upstream's admission on create; idempotent, so the apiserver may call admitPod too.
    admitPod(pod);
    setStatus(pod, { phase: 'Pending', qosClass: podQOSClass({ spec: pod.spec }) });
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
  },
  validate(obj) {
    return validatePodSpec(asPod(obj).spec ?? { containers: [] }, FieldPath.root('spec'));
  },
  validateUpdate(obj, old) {
    return validatePodUpdate(asPod(obj), asPod(old));
  },
  status: {
    prepareForUpdate(obj: WithMeta, old: WithMeta) {
      keepAllButStatus(obj, old);
      // Old kubelets corrupt owner references; the status endpoint may not touch them.
      if (old.metadata.ownerReferences) obj.metadata.ownerReferences = deepClone(old.metadata.ownerReferences);
      else delete obj.metadata.ownerReferences;
    },
    validateUpdate(obj) {
      return validatePodStatusUpdate(asPod(obj));
    },
  },
  subresources: { ephemeralcontainers: podEphemeralContainersStrategy },
  fieldSelectorKeys: [
    'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
    'status.phase', 'status.podIP', 'status.nominatedNodeName',
  ],
  selectableFields(obj) {
    const pod = asPod(obj);
    return {
      'spec.nodeName': pod.spec?.nodeName ?? '',
      'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
      'spec.schedulerName': pod.spec?.schedulerName ?? '',
      'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
      'spec.hostNetwork': String(pod.spec?.hostNetwork === true),
      'status.phase': pod.status?.phase ?? '',
      'status.podIP': pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '',
      'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
    };
  },
};
