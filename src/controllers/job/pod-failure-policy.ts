/**
 * spec.podFailurePolicy: the first rule whose exit codes or pod conditions
 * match a failed pod decides what its failure means (upstream's
 * matchPodFailurePolicy). FailJob fails the Job with a message naming the
 * pod and rule; Ignore does not count the failure against backoffLimit;
 * Count (and no match) counts it.
 */
import type { PodFailurePolicy, PodFailurePolicyRule } from 'kubernetes-types/batch/v1.js';
import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';

export interface PodFailurePolicyMatch {
  /** Set when a FailJob rule matched: the Job's failure message. */
  failJobMessage?: string;
  /** Whether the failure counts against backoffLimit. */
  countFailed: boolean;
  /** The matched rule's action. */
  action?: string;
}

function matchExitCodes(pod: Pod, rule: PodFailurePolicyRule): ContainerStatus | undefined {
  const req = rule.onExitCodes!;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.find((cs) => {
    if (req.containerName && cs.name !== req.containerName) return false;
    const code = cs.state?.terminated?.exitCode;
    if (code === undefined || code === 0) return false;
    const listed = req.values.includes(code);
    return req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false;
  });
}

function matchPodConditions(pod: Pod, rule: PodFailurePolicyRule): PodCondition | undefined {
  for (const c of pod.status?.conditions ?? []) {
    for (const want of rule.onPodConditions ?? []) {
      if (c.type === want.type && c.status === (want.status || 'True')) return c;
    }
  }
  return undefined;
}

export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PodFailurePolicyMatch {
  const ref = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  for (const [index, rule] of (policy?.rules ?? []).entries()) {
    let what: string | undefined;
    if (rule.onExitCodes) {
      const cs = matchExitCodes(pod, rule);
      if (cs) what = `Container ${cs.name} for pod ${ref} failed with exit code ${cs.state!.terminated!.exitCode}`;
    } else if (rule.onPodConditions) {
      const c = matchPodConditions(pod, rule);
      if (c) what = `Pod ${ref} has condition ${c.type}`;
    }
    if (what === undefined) continue;
    switch (rule.action) {
      case 'Ignore': return { countFailed: false, action: rule.action };
      case 'FailJob': return { countFailed: true, action: rule.action, failJobMessage: `${what} matching ${rule.action} rule at index ${index}` };
      default: return { countFailed: true, action: rule.action };
    }
  }
  return { countFailed: true };
}
