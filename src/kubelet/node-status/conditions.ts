/**
 * The kubelet's node conditions, as upstream's condition setters compute
 * them: MemoryPressure, DiskPressure and PIDPressure from the host's usage
 * against the hard eviction thresholds, then Ready (always last) from the
 * runtime's RuntimeReady and NetworkReady and the node's capacity.
 * lastHeartbeatTime is always `now`; lastTransitionTime changes only when
 * the status does; conditions other writers own (NetworkUnavailable) stay.
 */
import type { NodeCondition } from 'kubernetes-types/core/v1.js';
import { NODE_NOT_READY_REASON, NODE_READY, PRESSURE_CONDITIONS, type PressureConditionType } from '../../api/nodes/conditions.js';
import type { RuntimeCondition, StatusResponse } from '../runtime/cri/types.js';
import { belowThreshold, type EvictionThresholds } from './eviction-thresholds.js';
import type { HostUsage } from './host-usage.js';

/**
 * What the node goes by for the runtime: its Status answer, or why there
 * is none, in upstream's words (see runtime-health.ts).
 */
export type RuntimeStatusResult = { status: StatusResponse } | { error: string };

/** The pressure each condition signals, from the host's usage (upstream's eviction manager signals). */
export function pressures(usage: HostUsage, t: EvictionThresholds): Record<PressureConditionType, boolean> {
  const fs = (prefix: 'nodefs' | 'imagefs', s: HostUsage['nodeFs']): boolean =>
    belowThreshold(t, `${prefix}.available`, s.availableBytes, s.capacityBytes) ||
    belowThreshold(t, `${prefix}.inodesFree`, s.inodesFree, s.inodes);
  return {
    MemoryPressure: belowThreshold(t, 'memory.available', usage.memoryAvailableBytes, usage.memoryCapacityBytes),
    DiskPressure: fs('nodefs', usage.nodeFs) || (usage.imageFs !== undefined && fs('imagefs', usage.imageFs)),
    PIDPressure: belowThreshold(t, 'pid.available', usage.maxPID - usage.processes, usage.maxPID),
  };
}

function describe(c: RuntimeCondition | undefined): string {
  return c ? `${c.type}=${c.status} reason:${c.reason} message:${c.message}` : '<nil>';
}

/** Why the node is not ready, in upstream's words, joined by "," in the message; empty when it is ready. */
export function notReadyReasons(runtime: RuntimeStatusResult, capacity: Record<string, string>): string[] {
  const out: string[] = [];
  if ('error' in runtime) {
    out.push(runtime.error);
  } else {
    const conditions = runtime.status.status?.conditions ?? [];
    const runtimeReady = conditions.find((c) => c.type === 'RuntimeReady');
    const networkReady = conditions.find((c) => c.type === 'NetworkReady');
    if (!runtimeReady?.status) out.push(`container runtime not ready: ${describe(runtimeReady)}`);
    if (!networkReady?.status) out.push(`container runtime network not ready: ${describe(networkReady)}`);
  }
  const missing = ['cpu', 'memory', 'pods', 'ephemeral-storage'].filter((r) => capacity[r] === undefined);
  if (missing.length > 0) out.push(`Missing node capacity for resources: ${missing.join(', ')}`);
  return out;
}

/**
 * The conditions after this sync: `previous` with the three pressure
 * conditions and Ready updated in place (new ones appended in upstream's
 * order: MemoryPressure, DiskPressure, PIDPressure, Ready).
 */
export function nodeConditions(previous: readonly NodeCondition[], now: string,
  inputs: { pressure: Record<PressureConditionType, boolean>; notReady: readonly string[] }): NodeCondition[] {
  const out = previous.map((c) => ({ ...c }));
  const upsert = (type: string, text: { status: string; reason: string; message: string }, keepTextWhenSame: boolean): void => {
    const i = out.findIndex((c) => c.type === type);
    const old = i >= 0 ? out[i] : undefined;
    const same = old?.status === text.status;
    const next: NodeCondition = {
      type, status: text.status,
      reason: same && keepTextWhenSame ? old.reason : text.reason,
      message: same && keepTextWhenSame ? old.message : text.message,
      lastHeartbeatTime: now,
      lastTransitionTime: same && old.lastTransitionTime ? old.lastTransitionTime : now,
    };
    if (i >= 0) out[i] = next; else out.push(next);
  };
  for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const) {
    upsert(type, PRESSURE_CONDITIONS[type][inputs.pressure[type] ? 'True' : 'False'], true);
  }
  upsert('Ready', inputs.notReady.length === 0 ? NODE_READY
    : { status: 'False', reason: NODE_NOT_READY_REASON, message: inputs.notReady.join(',') }, false);
  return out;
}

const EVENTS: Record<string, Record<string, string>> = {
  MemoryPressure: { True: 'NodeHasInsufficientMemory', False: 'NodeHasSufficientMemory' },
  DiskPressure: { True: 'NodeHasDiskPressure', False: 'NodeHasNoDiskPressure' },
  PIDPressure: { True: 'NodeHasInsufficientPID', False: 'NodeHasSufficientPID' },
  Ready: { True: 'NodeReady', False: 'NodeNotReady' },
};

/**
 * The Events (reasons, all Normal) upstream's setters record for a sync
 * from `previous` to `next`: a pressure condition that is new or changed
 * status, and a Ready that changed status (a new Ready records nothing).
 */
export function conditionEvents(previous: readonly NodeCondition[], next: readonly NodeCondition[]): string[] {
  const out: string[] = [];
  for (const c of next) {
    const event = EVENTS[c.type]?.[c.status];
    if (!event) continue;
    const old = previous.find((p) => p.type === c.type);
    if (old ? old.status !== c.status : c.type !== 'Ready') out.push(event);
  }
  return out;
}
