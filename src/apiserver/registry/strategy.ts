/**
 * The per-resource strategy: the small, stateless part of a resource's
 * behaviour (upstream's pkg/registry/<group>/<resource>/strategy.go). The
 * generic store (generic-store.ts) owns everything else: names, uid,
 * resourceVersion, conflicts, finalizers, watch. It calls the hooks in this
 * fixed order:
 *
 *   create: defaults -> prepareForCreate -> validate -> (admission) -> store
 *   update: defaults -> prepareForUpdate -> validate + validateUpdate -> store
 *   status update: defaults -> status.prepareForUpdate -> status.validateUpdate -> store
 *
 * Hooks mutate only the object they are given (never `old`), do no I/O, and
 * return field errors instead of throwing.
 */
import type { FieldError } from '../../api/field-errors.js';
import type { KubeObject, WithMeta } from '../../api/object.js';
import type { NameRule } from '../../api/validation/name-rule.js';

export interface Strategy {
  /**
   * Upstream's defaulting (SetDefaults_*): fills unset fields with the values
   * users see in `kubectl get -o yaml`. Runs on every write, so it must be
   * idempotent and must not overwrite values that are set.
   */
  defaults?(obj: WithMeta): void;

  /** Clears what a client may not set on create (status, usually). Generation is set by the generic store. */
  prepareForCreate?(obj: WithMeta): void;

  /** Carries over what a main-resource update may not change (status, usually). */
  prepareForUpdate?(obj: WithMeta, old: WithMeta): void;

  /** Validates a whole object (names are checked by the generic store). Never mutates. */
  validate(obj: WithMeta): FieldError[];

  /** Extra checks on update: immutable fields and transitions. Never mutates. */
  validateUpdate?(obj: WithMeta, old: WithMeta): FieldError[];

  /**
   * Whether a change of this resource's spec bumps metadata.generation
   * (true for most resources that have a spec).
   * @default false
   */
  tracksGeneration?: boolean;

  /** How metadata.name is validated. @default 'dns1123Subdomain' */
  nameRule?: NameRule;

  /** The status subresource, when the resource has one: updates there keep everything but status. */
  status?: StatusStrategy;

  /** Other subresources that are plain updates of one part (namespaces/finalize), by name. */
  subresources?: Record<string, StatusStrategy>;

  /**
   * Seconds a deletion waits for confirmation (pods on a node), given the
   * grace period the client asked for; 0 deletes at once.
   * @default 0
   */
  deletionGracePeriod?(obj: WithMeta, requested: number | undefined): number;

  /**
   * Finalizers outside metadata that also hold a deleted object
   * (a namespace's spec.finalizers). @default none
   */
  deletionBlockers?(obj: WithMeta): string[];

  /** Marks an object that starts waiting for deletion (a namespace turns Terminating). */
  prepareForDeletion?(obj: WithMeta): void;

  /**
   * Field-selector values beyond metadata.name and metadata.namespace, e.g.
   * `{ 'spec.nodeName': 'n1', 'status.phase': 'Running' }` for pods. Keys not
   * returned here are refused with 400 by the list handler.
   */
  selectableFields?(obj: KubeObject): Record<string, string>;

  /** Field-selector keys this resource supports (beyond metadata.name/namespace). */
  fieldSelectorKeys?: string[];
}

export interface StatusStrategy {
  /** Copies everything but status (and the metadata a status update may touch) from old. */
  prepareForUpdate(obj: WithMeta, old: WithMeta): void;
  validateUpdate?(obj: WithMeta, old: WithMeta): FieldError[];
}

export type { NameRule } from '../../api/validation/name-rule.js';
