/**
 * How long the kubelet trusts the runtime's last Status answer (upstream's
 * runtimeState with maxWaitForContainerRuntime): a runtime that fails to
 * answer keeps its last answer for 30 s; after that the node is not ready
 * because "container runtime is down". Before the first answer the node is
 * not ready because the status check "may not have completed yet".
 */
import type { StatusResponse } from '../runtime/cri/types.js';
import type { RuntimeStatusResult } from './conditions.js';

/** Upstream's maxWaitForContainerRuntime. */
export const MAX_WAIT_FOR_CONTAINER_RUNTIME_MS = 30_000;

export const RUNTIME_NOT_CHECKED = 'container runtime status check may not have completed yet';
export const RUNTIME_DOWN = 'container runtime is down';

export class RuntimeHealth {
  private last: { status: StatusResponse; atMs: number } | undefined;

  constructor(private readonly thresholdMs = MAX_WAIT_FOR_CONTAINER_RUNTIME_MS) {}

  /** Records one Status call at `nowMs` (its answer, or undefined when it failed) and says what the node goes by. */
  observe(answer: StatusResponse | undefined, nowMs: number): RuntimeStatusResult {
    if (answer) {
      this.last = { status: answer, atMs: nowMs };
      return { status: answer };
    }
    if (!this.last) return { error: RUNTIME_NOT_CHECKED };
    if (nowMs - this.last.atMs < this.thresholdMs) return { status: this.last.status };
    return { error: RUNTIME_DOWN };
  }
}
