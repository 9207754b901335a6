/**
 * Jobs under a running `k8ts server` (its controller manager runs the Job
 * controller; the fake cluster binds, runs and finishes pods), driven with
 * real kubectl: `kubectl wait --for=condition=complete|failed` and
 * `kubectl describe job`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { kubectlAsync } from './kubectl-async.js';
import { Kubectl } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let cluster: FakeCluster;
let k: Kubectl;

before(async () => {
  if (skip) return;
  server = await startServer({ datastore: 'memory', args: ['--disable-scheduler'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2, finishAfterMs: 300 });
  k = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => { await cluster?.stop(); await server?.stop(); });

const job = (name: string, extra: string, annotations = ''): string => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${extra}
  template:
    metadata: {annotations: {${annotations}}}
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox, command: [sh, -c, "true"]}]
`;

test('a Job that completes: kubectl wait --for=condition=complete, describe', { skip }, async () => {
  k.ok(['apply', '-f', '-'], { input: job('pi', '  completions: 3\n  parallelism: 2') });
  const w = await kubectlAsync(bin.path!, server.kubeconfig, ['wait', '--for=condition=complete', 'job/pi', '--timeout=30s']);
  assert.equal(w.status, 0, w.stderr);
  assert.match(w.stdout, /job.batch\/pi condition met/);
  const d = k.ok(['describe', 'job', 'pi']);
  assert.match(d, /Completions:\s+3/);
  assert.match(d, /Parallelism:\s+2/);
  assert.match(d, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 3 Succeeded \/ 0 Failed/);
  assert.match(d, /Completed At:/);
  assert.match(d, /SuccessfulCreate\s+.*Created pod: pi-/);
  assert.match(d, /Completed\s+.*Job completed/);
  const get = k.ok(['get', 'job', 'pi']);
  assert.match(get, /pi\s+Complete\s+3\/3/);
});

test('a Job that fails after backoffLimit: kubectl wait --for=condition=failed, describe', { skip }, async () => {
  // backoffLimit 1: one replacement after the default 10 s back-off, then Failed.
  k.ok(['apply', '-f', '-'], { input: job('doomed', '  backoffLimit: 1', '"sim.k8ts.io/fail": "true"') });
  const w = await kubectlAsync(bin.path!, server.kubeconfig, ['wait', '--for=condition=failed', 'job/doomed', '--timeout=45s']);
  assert.equal(w.status, 0, w.stderr);
  const d = k.ok(['describe', 'job', 'doomed']);
  assert.match(d, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 0 Succeeded \/ 2 Failed/);
  assert.match(d, /BackoffLimitExceeded\s+.*Job has reached the specified backoff limit/);
  const reason = k.ok(['get', 'job', 'doomed', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}']);
  assert.equal(reason, 'BackoffLimitExceeded');
  const get = k.ok(['get', 'job', 'doomed']);
  assert.match(get, /doomed\s+Failed\s+0\/1/);
});
