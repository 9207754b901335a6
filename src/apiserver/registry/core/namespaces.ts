/**
 * Namespaces (upstream's pkg/registry/core/namespace/strategy.go,
 * SetDefaults_Namespace, ValidateNamespace and its update/status/finalize
 * variants).
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue } from '../../../api/field-errors.js';
import type { KubeObject, WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import { isQualifiedName } from '../../../api/validation/names.js';
import type { Strategy, StatusStrategy } from '../strategy.js';
import { keepAllButStatus } from './status.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const KUBERNETES_FINALIZER = 'kubernetes';

const asNamespace = (o: KubeObject): Namespace => o as Namespace;

/** The name label always equals the name; status.phase defaults to Active. */
export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata?.name;
  if (name) ns.metadata = { ...ns.metadata, labels: { ...(ns.metadata?.labels ?? {}), [NAMESPACE_NAME_LABEL]: name } };
  ns.status ??= {};
  ns.status.phase ??= 'Active';
}

/** spec.finalizers: qualified names; without a '/' only the standard `kubernetes`. */
function validateFinalizers(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root('spec', 'finalizers');
  for (const f of ns.spec?.finalizers ?? []) {
    const msgs = isQualifiedName(f);
    errs.push(...msgs.map((m) => invalidValue(path, f, m)));
    if (msgs.length === 0 && !f.includes('/') && f !== KUBERNETES_FINALIZER) {
      errs.push(invalidValue(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

/** Phase is Active until deletion starts, Terminating after. */
function validateNamespaceStatusUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const phase = ns.status?.phase;
  const path = FieldPath.root('status', 'Phase');
  if (!old.metadata?.deletionTimestamp) {
    if (phase !== 'Active') return [invalidValue(path, phase ?? '', "may only be 'Active' if `deletionTimestamp` is empty")];
  } else if (phase !== 'Terminating') {
    return [invalidValue(path, phase ?? '', "may only be 'Terminating' if `deletionTimestamp` is not empty")];
  }
  return [];
}

/** The `finalize` subresource: only spec.finalizers changes. */
export const namespaceFinalizeStrategy: StatusStrategy = {
  prepareForUpdate(obj: WithMeta, old: WithMeta) {
    const finalizers = asNamespace(obj).spec?.finalizers;
    const rv = obj.metadata.resourceVersion;
    for (const k of Object.keys(obj)) delete obj[k];
    for (const [k, v] of Object.entries(old)) obj[k] = deepClone(v);
    obj.metadata.resourceVersion = rv;
    const ns = asNamespace(obj);
    ns.spec = { ...(ns.spec ?? {}), finalizers };
    if (finalizers === undefined) delete ns.spec.finalizers;
  },
  validateUpdate: (obj) => validateFinalizers(asNamespace(obj)),
};

export const namespaceStrategy: Strategy = {
  nameRule: 'dns1123Label',
  defaults: (obj) => defaultNamespace(asNamespace(obj)),
  prepareForCreate(obj) {
    const ns = asNamespace(obj);
    ns.status = { phase: 'Active' };
    const finalizers = ns.spec?.finalizers ?? [];
    if (!finalizers.includes(KUBERNETES_FINALIZER)) ns.spec = { ...(ns.spec ?? {}), finalizers: [...finalizers, KUBERNETES_FINALIZER] };
  },
  prepareForUpdate(obj, old) {
    const ns = asNamespace(obj);
    const o = asNamespace(old);
    ns.spec = { ...(ns.spec ?? {}) };
    if (o.spec?.finalizers) ns.spec.finalizers = [...o.spec.finalizers]; else delete ns.spec.finalizers;
    if (o.status) ns.status = deepClone(o.status); else delete ns.status;
  },
  validate: (obj) => validateFinalizers(asNamespace(obj)),
  status: {
    prepareForUpdate: keepAllButStatus,
    validateUpdate: (obj, old) => validateNamespaceStatusUpdate(asNamespace(obj), asNamespace(old)),
  },
  subresources: { finalize: namespaceFinalizeStrategy },
  // A namespace waits for its spec.finalizers (the namespace controller) as well.
  deletionBlockers: (obj) => asNamespace(obj).spec?.finalizers ?? [],
  prepareForDeletion(obj) {
    const ns = asNamespace(obj);
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
  },
};
