/**
 * Pods: printPod in k8s.io/kubernetes pkg/printers/internalversion/printers.go.
 */
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { PodSpecDoc, PodStatusDoc } from '../descriptions.js';
import { as } from '../format.js';
import type { TableRowCondition } from '../table-types.js';

/** node.NodeUnreachablePodReason: the reason the node lifecycle controller gives pods on a lost node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';
const SCHEDULING_GATED = 'SchedulingGated';

function isRestartableInitContainer(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

/** metav1.Time.Before over optional timestamps; a missing one is Go's zero time. */
function before(a: number | undefined, b: number | undefined): boolean {
  return (a ?? -Infinity) < (b ?? -Infinity);
}

function lastTerminatedAt(s: ContainerStatus): number | undefined {
  const t = s.lastState?.terminated;
  return t ? (parseTimestamp(t.finishedAt) ?? -Infinity) : undefined;
}

/** isPodInitializedConditionTrue: the first Initialized condition decides. */
function isInitialized(conds: PodCondition[] | undefined): boolean {
  return (conds ?? []).find((x) => x.type === 'Initialized')?.status === 'True';
}

/** hasPodReadyCondition: any Ready condition that is True. */
function hasReadyCondition(conds: PodCondition[] | undefined): boolean {
  return (conds ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
}

/** The pod's Ready, Status and Restarts cells. */
export function podStatusCells(pod: Pod, now: Date): { ready: string; reason: string; restarts: string } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;

  const phase = status.phase ?? '';
  let reason = status.reason ? status.reason : phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === SCHEDULING_GATED) reason = SCHEDULING_GATED;
  }

  const initContainers = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const restartable = isRestartableInitContainer(initContainers.get(c.name));
    restarts += c.restartCount ?? 0;
    const finished = lastTerminatedAt(c);
    if (finished !== undefined && before(lastRestart, finished)) lastRestart = finished;
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      if (finished !== undefined && before(lastRestartableInitRestart, finished)) lastRestartableInitRestart = finished;
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || isInitialized(status.conditions)) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      const finished = lastTerminatedAt(c);
      if (finished !== undefined && before(lastRestart, finished)) lastRestart = finished;
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting && waiting.reason) {
        reason = waiting.reason;
      } else if (terminated && terminated.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // Back to Running when a container still runs after another completed.
    if (reason === 'Completed' && hasRunning) {
      reason = hasReadyCondition(status.conditions) ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined && lastRestart !== -Infinity) {
    restartsStr = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts: restartsStr };
}

/** The pod's primary IP as the internal type sees it: podIP wins over podIPs[0]. */
function podIP(pod: Pod): string {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  let trueConditions = 0;
  for (const g of gates) {
    const c = (pod.status?.conditions ?? []).find((x) => x.type === g.conditionType);
    if (c?.status === 'True') trueConditions++;
  }
  return `${trueConditions}/${gates.length}`;
}

const SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const FAILED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

export const podConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    wide('IP', 'string', PodStatusDoc.podIP),
    wide('Node', 'string', PodSpecDoc.nodeName),
    wide('Nominated Node', 'string', PodStatusDoc.nominatedNodeName),
    wide('Readiness Gates', 'string', PodSpecDoc.readinessGates),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pod = as<Pod>(obj);
    const s = podStatusCells(pod, now);
    return [
      pod.metadata?.name ?? '', s.ready, s.reason, s.restarts,
      translateTimestampSince(pod.metadata?.creationTimestamp, now),
      podIP(pod) || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(obj: KubeObject): TableRowCondition[] | undefined {
    const phase = as<Pod>(obj).status?.phase;
    if (phase === 'Succeeded') return SUCCEEDED.map((c) => ({ ...c }));
    if (phase === 'Failed') return FAILED.map((c) => ({ ...c }));
    return undefined;
  },
};
