/**
 * The prober's results caches (upstream's pkg/kubelet/prober/results): the
 * latest result of one probe type per container instance (runtime id).
 */

/** A probe's verdict. Unknown: not probed yet, or the probe itself errored. */
export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

export type ProbeType = 'Liveness' | 'Readiness' | 'Startup';

/**
 * The results of one probe type. `onChange` is called when a container's
 * result is set to a value other than the one it had (including its first
 * value), never for an unchanged result.
 */
export class ResultsCache {
  private readonly results = new Map<string, ProbeResult>();

  constructor(private readonly onChange: (containerId: string, result: ProbeResult, podUid: string) => void = () => {}) {}

  get(containerId: string): ProbeResult | undefined {
    return this.results.get(containerId);
  }

  set(containerId: string, result: ProbeResult, podUid: string): void {
    if (this.results.get(containerId) === result) return;
    this.results.set(containerId, result);
    this.onChange(containerId, result, podUid);
  }

  remove(containerId: string): void {
    this.results.delete(containerId);
  }
}

/**
 * A worker's result before its first probe (upstream's NewManager and
 * newWorker): a container is not ready until its readiness probe passes,
 * alive until its liveness probe fails, and not started until its startup
 * probe passes.
 */
export function initialResult(type: ProbeType): ProbeResult {
  switch (type) {
    case 'Readiness': return 'Failure';
    case 'Liveness': return 'Success';
    case 'Startup': return 'Unknown';
  }
}
