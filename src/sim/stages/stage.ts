/**
 * A Stage: one step of a simulated object's life, as data (after kwok's Stage
 * resource). The first stage, in order, whose selector matches a pod is the
 * one that applies; after its delay, `next` says what the pod becomes.
 */

/** One test on a field of the object, addressed by a path (see field-path.ts). */
export interface StageRequirement {
  /** e.g. `.status.phase`, `.metadata.annotations["sim.k8ts.io/fail"]`, `.status.conditions[type=Ready].status`. */
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Compared as strings (`true`, `false` for booleans); required for In and NotIn. */
  values?: string[];
}

/** All given parts must match (an empty selector matches everything). */
export interface StageSelector {
  matchLabels?: Record<string, string>;
  matchAnnotations?: Record<string, string>;
  matchExpressions?: StageRequirement[];
}

/**
 * How long after the pod starts matching the stage applies: a delay drawn
 * uniformly from [durationMilliseconds, jitterDurationMilliseconds] (just
 * durationMilliseconds when the jitter bound is unset or lower).
 */
export interface StageDelay {
  /** @default 0 */
  durationMilliseconds?: number;
  jitterDurationMilliseconds?: number;
}

/**
 * What the pod becomes. Strings in templates may hold `{{ variable }}`:
 * `now`, `podIP` (allocated from the node's podCIDR; the node's IP for
 * hostNetwork pods), `hostIP`, `nodeName`, `containerNames` (space-separated),
 * and in container templates
 * `container.name`, `container.image`, `container.id`, `container.startedAt`.
 */
export interface StageNext {
  /** Delete the pod (grace period 0, uid precondition). Excludes the other fields. */
  delete?: boolean;
  /**
   * Merged into the pod's status: objects merge, arrays replace, except
   * `conditions`, merged by type (lastTransitionTime set when a status changes).
   */
  status?: Record<string, unknown>;
  /** Rendered once per spec.containers entry into status.containerStatuses. */
  containerStatus?: Record<string, unknown>;
  /** Rendered once per spec.initContainers entry into status.initContainerStatuses. */
  initContainerStatus?: Record<string, unknown>;
}

export interface Stage {
  name: string;
  selector?: StageSelector;
  delay?: StageDelay;
  next: StageNext;
}

/** A delay in [duration, jitter] ms; `random` is in [0, 1). */
export function stageDelayMs(stage: Stage, random: () => number = Math.random): number {
  const min = stage.delay?.durationMilliseconds ?? 0;
  const max = stage.delay?.jitterDurationMilliseconds ?? min;
  return max > min ? min + Math.floor(random() * (max - min)) : min;
}
