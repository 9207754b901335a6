import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { tableConvertorFor } from '../../src/apiserver/tables/index.js';
import { NOW, ago, obj } from './helpers.js';

const pods = tableConvertorFor('', 'pods');
const containers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}` }));
const cells = (p: Pod) => pods.cells(obj(p), NOW);
/** The five narrow cells. */
const narrow = (p: Pod) => cells(p).slice(0, 5);

test('pod columns: upstream names, types and priorities', () => {
  assert.deepEqual(
    pods.columns().map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0], ['Ready', 'string', '', 0], ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0], ['Age', 'string', '', 0], ['IP', 'string', '', 1],
      ['Node', 'string', '', 1], ['Nominated Node', 'string', '', 1], ['Readiness Gates', 'string', '', 1],
    ],
  );
});

test('running pod with restarts: "3 (5d ago)" and full wide row', () => {
  const p: Pod = {
    metadata: { name: 'web-1', creationTimestamp: ago(7, 'd') },
    spec: { containers: containers(2), nodeName: 'node-a' },
    status: {
      phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'c0', image: '', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
        { name: 'c1', image: '', imageID: '', ready: true, restartCount: 3, state: { running: {} },
          lastState: { terminated: { exitCode: 1, finishedAt: ago(5, 'd') } } },
      ],
    },
  };
  assert.deepEqual(cells(p), ['web-1', '2/2', 'Running', '3 (5d ago)', '7d', '10.244.0.5', 'node-a', '<none>', '<none>']);
  assert.equal(pods.conditions?.(obj(p)), undefined);
});

test('CrashLoopBackOff pod', () => {
  const p: Pod = {
    metadata: { name: 'crash', creationTimestamp: ago(10, 'm') },
    spec: { containers: containers(1) },
    status: {
      phase: 'Running',
      containerStatuses: [{
        name: 'c0', image: '', imageID: '', ready: false, restartCount: 6,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(90, 's') } },
      }],
    },
  };
  assert.deepEqual(narrow(p), ['crash', '0/1', 'CrashLoopBackOff', '6 (90s ago)', '10m']);
});

test('init-container pods: Init:N/M, Init:<reason>, Init:ExitCode', () => {
  const base = (initStatuses: NonNullable<Pod['status']>['initContainerStatuses']): Pod => ({
    metadata: { name: 'init' },
    spec: { initContainers: containers(2), containers: containers(1) },
    status: {
      phase: 'Pending', initContainerStatuses: initStatuses,
      containerStatuses: [{ name: 'c0', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    },
  });
  const st = (name: string, state: object, restartCount = 0) => ({ name, image: '', imageID: '', ready: false, restartCount, state });
  assert.deepEqual(narrow(base([st('c0', { terminated: { exitCode: 0, reason: 'Completed' } }), st('c1', { running: {} })])),
    ['init', '0/1', 'Init:1/2', '0', '<unknown>']);
  assert.deepEqual(narrow(base([st('c0', { waiting: { reason: 'ImagePullBackOff' } }), st('c1', { waiting: { reason: 'PodInitializing' } })])),
    ['init', '0/1', 'Init:ImagePullBackOff', '0', '<unknown>']);
  assert.deepEqual(narrow(base([st('c0', { terminated: { exitCode: 2 } }, 1)])),
    ['init', '0/1', 'Init:ExitCode:2', '1', '<unknown>']);
  assert.deepEqual(narrow(base([st('c0', { terminated: { exitCode: 137, signal: 9 } })])),
    ['init', '0/1', 'Init:Signal:9', '0', '<unknown>']);
  assert.deepEqual(narrow(base([st('c0', { terminated: { exitCode: 1, reason: 'Error' } })])),
    ['init', '0/1', 'Init:Error', '0', '<unknown>']);
});

test('terminating pod, and NodeLost pod being deleted shows Unknown', () => {
  const running: Pod = {
    metadata: { name: 't', creationTimestamp: ago(1, 'h'), deletionTimestamp: ago(10, 's') },
    spec: { containers: containers(1) },
    status: { phase: 'Running', containerStatuses: [{ name: 'c0', image: '', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] },
  };
  assert.deepEqual(narrow(running), ['t', '1/1', 'Terminating', '0', '60m']);
  const lost: Pod = { ...running, status: { ...running.status, reason: 'NodeLost' } };
  assert.deepEqual(narrow(lost)[2], 'Unknown');
  // A pod that already succeeded keeps Completed while being deleted.
  const done: Pod = {
    ...running,
    status: { phase: 'Succeeded', containerStatuses: [{ name: 'c0', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
  };
  assert.deepEqual(narrow(done), ['t', '0/1', 'Completed', '0', '60m']);
  assert.deepEqual(pods.conditions?.(obj(done)), [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
});

// Ported from upstream printers_test.go TestPrintPod / TestPrintPodWithRestartableInitContainer.
test('upstream TestPrintPod cases', () => {
  const cs = (o: object) => ({ name: '', image: '', imageID: '', ready: false, restartCount: 0, ...o });
  const cases: Array<[Pod, unknown[]]> = [
    [{ metadata: { name: 'test1' }, spec: { containers: containers(2) }, status: { phase: 'podPhase', containerStatuses: [
      cs({ ready: true, restartCount: 3, state: { running: {} } }), cs({ restartCount: 3 })] } },
    ['test1', '1/2', 'podPhase', '6', '<unknown>']],
    [{ metadata: { name: 'test2' }, spec: { containers: containers(2) }, status: { phase: 'podPhase', containerStatuses: [
      cs({ ready: true, restartCount: 3, state: { running: {} } }), cs({ restartCount: 3, state: { waiting: { reason: 'ContainerWaitingReason' } } })] } },
    ['test2', '1/2', 'ContainerWaitingReason', '6', '<unknown>']],
    [{ metadata: { name: 'test3' }, spec: { containers: containers(2) }, status: { phase: 'podPhase', containerStatuses: [
      cs({ restartCount: 3, state: { waiting: { reason: 'ContainerWaitingReason' } } }),
      cs({ restartCount: 3, state: { terminated: { exitCode: 0, reason: 'ContainerTerminatedReason' } } })] } },
    ['test3', '0/2', 'ContainerWaitingReason', '6', '<unknown>']],
    [{ metadata: { name: 'test5' }, spec: { containers: containers(2) }, status: { reason: 'podReason', phase: 'podPhase', containerStatuses: [
      cs({ ready: true, restartCount: 3, state: { running: {} } }), cs({ ready: true, restartCount: 3 })] } },
    ['test5', '1/2', 'podReason', '6', '<unknown>']],
    [{ metadata: { name: 'test6' }, spec: { containers: containers(2) }, status: { phase: 'Running', containerStatuses: [
      cs({ ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } }),
      cs({ ready: true, restartCount: 3, state: { running: {} } })] } },
    ['test6', '1/2', 'NotReady', '6', '<unknown>']],
    [{ metadata: { name: 'test6' }, spec: { containers: containers(2) }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [
      cs({ ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } }),
      cs({ ready: true, restartCount: 3, state: { running: {} } })] } },
    ['test6', '1/2', 'Running', '6', '<unknown>']],
    [{ metadata: { name: 'test7' }, spec: { initContainers: containers(1), containers: containers(1) }, status: { phase: 'podPhase',
      initContainerStatuses: [cs({ name: 'c0', restartCount: 3, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(10, 's') } } })],
      containerStatuses: [cs({ state: { waiting: {} } })] } },
    ['test7', '0/1', 'Init:0/1', '3 (10s ago)', '<unknown>']],
    [{ metadata: { name: 'test10' }, spec: { initContainers: containers(2), containers: containers(1) }, status: { phase: 'podPhase',
      initContainerStatuses: [
        cs({ name: 'c0', restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: { terminated: { exitCode: 0, finishedAt: ago(2, 'm') } } }),
        cs({ name: 'c1', restartCount: 3, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(10, 's') } } })],
      containerStatuses: [cs({ state: { waiting: {} } })] } },
    ['test10', '0/1', 'Init:1/2', '5 (10s ago)', '<unknown>']],
    [{ metadata: { name: 'test11' }, spec: { initContainers: containers(1), containers: containers(1) }, status: { phase: 'Running',
      initContainerStatuses: [cs({ name: 'c0', restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: { terminated: { exitCode: 0, finishedAt: ago(2, 'm') } } })],
      containerStatuses: [cs({ restartCount: 4, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(20, 's') } } })] } },
    ['test11', '0/1', 'Running', '4 (20s ago)', '<unknown>']],
    [{ metadata: { name: 'test14' }, spec: { containers: containers(2) }, status: { phase: 'Running', containerStatuses: [
      cs({ ready: true, restartCount: 6, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(5, 'd') } } }),
      cs({ ready: true, restartCount: 3, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(20, 'd') } } })] } },
    ['test14', '2/2', 'Running', '9 (5d ago)', '<unknown>']],
    [{ metadata: { name: 'test15' }, spec: { containers: containers(2) }, status: { phase: 'podPhase',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } },
    ['test15', '0/2', 'SchedulingGated', '0', '<unknown>']],
    [{ metadata: { name: 'test17' }, spec: { containers: containers(1) }, status: { phase: 'Failed', containerStatuses: [
      cs({ state: { terminated: { reason: 'Error', exitCode: 1 } } })] } },
    ['test17', '0/1', 'Error', '0', '<unknown>']],
    [{ metadata: { name: 'test20', deletionTimestamp: ago(10, 's') }, spec: { containers: containers(1) }, status: { phase: 'Pending' } },
    ['test20', '0/1', 'Terminating', '0', '<unknown>']],
  ];
  for (const [p, want] of cases) assert.deepEqual(narrow(p), want, p.metadata?.name);
});

test('upstream restartable (sidecar) init container cases', () => {
  const always = (name: string) => ({ name, restartPolicy: 'Always' });
  const cs = (o: object) => ({ name: '', image: '', imageID: '', ready: false, restartCount: 0, ...o });
  const spec = { initContainers: [always('r1'), always('r2')], containers: containers(1) };
  const started: Pod = { metadata: { name: 'test2' }, spec, status: { phase: 'Running',
    initContainerStatuses: [
      cs({ name: 'r1', restartCount: 3, started: true, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(10, 's') } } }),
      cs({ name: 'r2', started: true, state: { running: {} } })],
    containerStatuses: [cs({ ready: true, restartCount: 4, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(20, 's') } } })],
    conditions: [{ type: 'Initialized', status: 'True' }] } };
  assert.deepEqual(narrow(started), ['test2', '1/3', 'Running', '7 (10s ago)', '<unknown>']);
  const notStarted: Pod = { metadata: { name: 'test1' }, spec, status: { phase: 'Pending',
    initContainerStatuses: [
      cs({ name: 'r1', restartCount: 3, started: true, state: { running: {} }, lastState: { terminated: { exitCode: 0, finishedAt: ago(10, 's') } } }),
      cs({ name: 'r2', started: false, state: { running: {} } })],
    containerStatuses: [cs({ state: { waiting: {} } })],
    conditions: [{ type: 'Initialized', status: 'False' }] } };
  assert.deepEqual(narrow(notStarted), ['test1', '0/3', 'Init:1/2', '3 (10s ago)', '<unknown>']);
  const unknownNames: Pod = { metadata: { name: 'test4' },
    spec: { initContainers: [{ name: 'init1' }, always('sidecar1')], containers: [{ name: 'container1' }] },
    status: { phase: 'Running', initContainerStatuses: [cs({ name: 'initinvalid' }), cs({ name: 'init1' }), cs({ name: 'sidecar1' })],
      containerStatuses: [cs({ name: 'containerinvalid' }), cs({ name: 'container1' })] } };
  assert.deepEqual(narrow(unknownNames), ['test4', '0/2', 'Init:0/2', '0', '<unknown>']);
});

test('wide cells: IP from podIPs, nominated node, readiness gates', () => {
  const p: Pod = {
    metadata: { name: 'test1' },
    spec: { containers: containers(2), nodeName: 'test1', readinessGates: [
      { conditionType: 'condition1' }, { conditionType: 'condition2' }, { conditionType: 'condition3' }] },
    status: {
      phase: 'podPhase', podIPs: [{ ip: '1.1.1.1' }, { ip: '2001:db8::' }], nominatedNodeName: 'node1',
      conditions: [{ type: 'condition1', status: 'False' }, { type: 'condition2', status: 'True' }],
    },
  };
  assert.deepEqual(cells(p).slice(5), ['1.1.1.1', 'test1', 'node1', '1/3']);
});
