/**
 * Nodes (upstream's pkg/registry/core/node/strategy.go, ValidateNode and
 * ValidateNodeUpdate). Cluster-scoped; kubelets create them with a status,
 * so create keeps it.
 */
import type { Node, NodeSpec, Taint } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { duplicate, FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import type { KubeObject, WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import { validateLabelName } from '../../../api/validation/label-selector.js';
import { isValidCIDR, isValidLabelValue } from '../../../api/validation/names.js';
import { TAINT_EFFECTS } from '../../../api/validation/pod.js';
import type { Strategy } from '../strategy.js';
import { keepAllButStatus, keepStatus } from './status.js';

const asNode = (o: KubeObject): Node => o as Node;
const CIDR_CHANGE = 'node updates may not change podCIDR except from "" to valid';

/** podCIDR and podCIDRs[0] mirror each other; allocatable defaults to capacity. */
export function defaultNode(node: Node): void {
  const spec = (node.spec ??= {});
  if (spec.podCIDR && !spec.podCIDRs?.length) spec.podCIDRs = [spec.podCIDR];
  else if (!spec.podCIDR && spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
  if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = deepClone(node.status.capacity);
}

export function validateTaints(taints: Taint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = path.index(i);
    errs.push(...validateLabelName(t.key ?? '', p.child('key')));
    if (t.value) errs.push(...isValidLabelValue(t.value).map((m) => invalidValue(p.child('value'), t.value, m)));
    if (!t.effect) errs.push(required(p.child('effect')));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(p.child('effect'), t.effect, TAINT_EFFECTS));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(duplicate(p, 'taints must be unique by key and effect pair'));
    seen.add(key);
  });
  return errs;
}

export function validateNodeSpec(spec: NodeSpec): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root('spec');
  const cidrs = spec.podCIDRs ?? [];
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(c).map((m) => invalidValue(path.child('podCIDRs').index(i), c, m))));
  if (cidrs.length > 2) errs.push(invalidValue(path.child('podCIDRs'), cidrs, 'may specify no more than one CIDR for each IP family'));
  if (cidrs.length === 2 && cidrs[0].includes(':') === cidrs[1].includes(':')) {
    errs.push(invalidValue(path.child('podCIDRs'), cidrs, 'may specify no more than one CIDR for each IP family'));
  }
  errs.push(...validateTaints(spec.taints, path.child('taints')));
  return errs;
}

/** podCIDRs may only go from unset to set; providerID likewise. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs: FieldError[] = [];
  const spec = node.spec ?? {};
  const oldSpec = old.spec ?? {};
  const oldCIDRs = oldSpec.podCIDRs ?? [];
  const newCIDRs = spec.podCIDRs ?? [];
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length || oldCIDRs.some((c, i) => c !== newCIDRs[i])) {
      errs.push(forbiddenField(FieldPath.root('spec', 'podCIDRs'), CIDR_CHANGE));
    }
  }
  if (oldSpec.providerID && oldSpec.providerID !== spec.providerID) {
    errs.push(forbiddenField(FieldPath.root('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

export const nodeStrategy: Strategy = {
  defaults: (obj) => defaultNode(asNode(obj)),
  prepareForUpdate: keepStatus,
  validate: (obj) => validateNodeSpec(asNode(obj).spec ?? {}),
  validateUpdate: (obj, old) => validateNodeUpdate(asNode(obj), asNode(old)),
  status: {
    prepareForUpdate(obj: WithMeta, old: WithMeta) {
      keepAllButStatus(obj, old);
    },
  },
  fieldSelectorKeys: ['spec.unschedulable'],
  selectableFields: (obj) => ({ 'spec.unschedulable': String(asNode(obj).spec?.unschedulable === true) }),
};
