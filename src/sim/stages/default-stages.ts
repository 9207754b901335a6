/**
 * The built-in pod stages: a bound pod starts running and becomes ready; a
 * Never/OnFailure pod finishes (Failed when annotated sim.k8ts.io/fail) after
 * a short delay; a pod marked for deletion is confirmed deleted. Statuses
 * follow what a kubelet reports for the same transitions.
 */
import type { Stage } from './stage.js';
import { FAIL_ANNOTATION } from '../well-known.js';

export interface DefaultStageOptions {
  /** How long a Never/OnFailure pod runs before it finishes. @default 1000 */
  completeAfterMs?: number;
  /** Upper bound of the finish delay (uniform in [completeAfterMs, this]). @default completeAfterMs */
  completeJitterMs?: number;
  /** How long a bound pod stays Pending. @default 0 */
  readyAfterMs?: number;
}

const NOT_DELETING = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' } as const;
const FAIL_KEY = `.metadata.annotations["${FAIL_ANNOTATION}"]`;

const runningContainer = {
  name: '{{ container.name }}',
  image: '{{ container.image }}',
  imageID: '',
  containerID: '{{ container.id }}',
  ready: true,
  started: true,
  restartCount: 0,
  state: { running: { startedAt: '{{ now }}' } },
  lastState: {},
};

function terminatedContainer(exitCode: number, reason: string): Record<string, unknown> {
  return {
    name: '{{ container.name }}',
    image: '{{ container.image }}',
    imageID: '',
    containerID: '{{ container.id }}',
    ready: false,
    started: false,
    restartCount: 0,
    state: { terminated: { exitCode, reason, startedAt: '{{ container.startedAt }}', finishedAt: '{{ now }}', containerID: '{{ container.id }}' } },
    lastState: {},
  };
}

function finished(name: string, fail: boolean, opts: DefaultStageOptions): Stage {
  const notReady = fail
    ? { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [{{ containerNames }}]' }
    : { status: 'False', reason: 'PodCompleted' };
  const min = opts.completeAfterMs ?? 1000;
  return {
    name,
    selector: {
      matchExpressions: [
        NOT_DELETING,
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        { key: '.spec.restartPolicy', operator: 'In', values: ['Never', 'OnFailure'] },
        { key: FAIL_KEY, operator: fail ? 'In' : 'NotIn', values: ['true'] },
      ],
    },
    delay: { durationMilliseconds: min, jitterDurationMilliseconds: Math.max(min, opts.completeJitterMs ?? min) },
    next: {
      status: {
        phase: fail ? 'Failed' : 'Succeeded',
        conditions: [
          { type: 'PodReadyToStartContainers', status: 'False' },
          { type: 'Ready', ...notReady },
          { type: 'ContainersReady', ...notReady },
        ],
      },
      containerStatus: fail ? terminatedContainer(1, 'Error') : terminatedContainer(0, 'Completed'),
    },
  };
}

export function defaultPodStages(opts: DefaultStageOptions = {}): Stage[] {
  return [
    {
      name: 'pod-delete',
      selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] },
      next: { delete: true },
    },
    {
      name: 'pod-ready',
      selector: {
        matchExpressions: [
          NOT_DELETING,
          { key: '.status.phase', operator: 'NotIn', values: ['Running', 'Succeeded', 'Failed', 'Unknown'] },
        ],
      },
      delay: { durationMilliseconds: opts.readyAfterMs ?? 0 },
      next: {
        status: {
          phase: 'Running',
          hostIP: '{{ hostIP }}',
          hostIPs: [{ ip: '{{ hostIP }}' }],
          podIP: '{{ podIP }}',
          podIPs: [{ ip: '{{ podIP }}' }],
          startTime: '{{ now }}',
          conditions: [
            { type: 'PodReadyToStartContainers', status: 'True' },
            { type: 'Initialized', status: 'True' },
            { type: 'Ready', status: 'True' },
            { type: 'ContainersReady', status: 'True' },
            { type: 'PodScheduled', status: 'True' },
          ],
        },
        initContainerStatus: {
          name: '{{ container.name }}',
          image: '{{ container.image }}',
          imageID: '',
          containerID: '{{ container.id }}',
          ready: true,
          started: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '{{ now }}', finishedAt: '{{ now }}', containerID: '{{ container.id }}' } },
          lastState: {},
        },
        containerStatus: runningContainer,
      },
    },
    finished('pod-complete', false, opts),
    finished('pod-fail', true, opts),
  ];
}
