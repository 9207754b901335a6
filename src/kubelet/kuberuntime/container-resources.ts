/**
 * A container's CRI LinuxContainerResources from its requests and limits
 * (upstream's generateLinuxContainerResources and calculateLinuxResources in
 * pkg/kubelet/kuberuntime/kuberuntime_container_linux.go, the conversions of
 * pkg/kubelet/cm/helpers_linux.go and the OOM policy of
 * pkg/kubelet/qos/policy.go).
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { LinuxContainerResources } from '../runtime/cri/types.js';
import { amountOf } from '../../api/pods/resources.js';
import { podQOSClass } from '../../api/pods/qos.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
const SHARES_PER_CPU = 1024;
/** cpu.cfs_period_us: 100 ms. */
export const QUOTA_PERIOD = 100_000;
/** The smallest cfs quota the kernel takes: 1 ms. */
const MIN_QUOTA_PERIOD = 1000;

export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BESTEFFORT_OOM_SCORE_ADJ = 1000;

/** cpu shares of a request in millicores: 1024 per cpu, within [2, 262144]; no request gives 2. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU <= 0) return MIN_SHARES;
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** The cfs quota of a limit in millicores over `period` µs, at least 1 ms; no limit gives 0 (unlimited). */
export function milliCPUToQuota(milliCPU: number, period = QUOTA_PERIOD): number {
  if (milliCPU <= 0) return 0;
  return Math.max(MIN_QUOTA_PERIOD, Math.floor((milliCPU * period) / 1000));
}

function quantity(list: Readonly<Record<string, unknown>> | undefined, resource: string): number {
  const q = list?.[resource];
  return q === undefined ? 0 : amountOf(resource, q);
}

/**
 * The container's oom_score_adj: -997 for Guaranteed pods and
 * system-node-critical ones, 1000 for BestEffort, and for Burstable
 * 1000 - 1000*memoryRequest/memoryCapacity kept within [3, 999] so that it
 * sits between the two.
 */
export function containerOOMScoreAdjust(pod: Pod, container: Container, memoryCapacity: number): number {
  if (pod.spec?.priorityClassName === 'system-node-critical') return GUARANTEED_OOM_SCORE_ADJ;
  const qos = podQOSClass(pod);
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_OOM_SCORE_ADJ;
  const r = container.resources;
  const request = quantity(r?.requests, 'memory') || quantity(r?.limits, 'memory');
  const adj = memoryCapacity > 0 ? 1000 - Math.floor((1000 * request) / memoryCapacity) : 1000;
  if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adj === BESTEFFORT_OOM_SCORE_ADJ) return adj - 1;
  return adj;
}

/**
 * cpu_shares from the cpu request (the limit when only a limit is set),
 * cpu_period 100000 and cpu_quota from the cpu limit (0: none), memory
 * limit and, with no swap for pods, a memory+swap limit equal to it, and
 * the OOM score. `memoryCapacity` is the node's memory in bytes.
 */
export function linuxContainerResources(pod: Pod, container: Container, memoryCapacity: number): LinuxContainerResources {
  const r = container.resources;
  const cpuRequest = quantity(r?.requests, 'cpu');
  const cpuLimit = quantity(r?.limits, 'cpu');
  const memoryLimit = quantity(r?.limits, 'memory');
  const out: LinuxContainerResources = {
    cpuPeriod: QUOTA_PERIOD,
    cpuQuota: milliCPUToQuota(cpuLimit),
    cpuShares: milliCPUToShares(cpuRequest === 0 && cpuLimit > 0 ? cpuLimit : cpuRequest),
    oomScoreAdj: containerOOMScoreAdjust(pod, container, memoryCapacity),
  };
  if (memoryLimit > 0) {
    out.memoryLimitInBytes = memoryLimit;
    out.memorySwapLimitInBytes = memoryLimit;
  }
  return out;
}
