/**
 * Subresources and review resources over the wire: scale (through real
 * kubectl), binding, eviction against a PodDisruptionBudget, and the access
 * reviews behind `kubectl auth can-i` / `kubectl auth whoami`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl } from '../harness/kubectl.js';

let server: RunningServer;
let api: RawClient;
const ns = 'sub';
type Status = { reason: string; code: number; message: string; details?: { causes?: { reason: string; message: string }[] } };

before(async () => {
  server = await startServer({ args: ['--controllers', '*,-disruption', '--disable-scheduler'] });
  api = new RawClient(server.kubeconfig);
  await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } });
});
after(async () => { api?.close(); await server?.stop(); });

const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
};

test('scale: GET, PUT and PATCH an autoscaling/v1 Scale', async () => {
  await api.json('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deployment);
  const s = await api.json<{ kind: string; apiVersion: string; spec: { replicas: number }; status: { replicas: number; selector: string } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`);
  assert.equal(s.status, 200);
  assert.equal(s.body.kind, 'Scale');
  assert.equal(s.body.apiVersion, 'autoscaling/v1');
  assert.deepEqual(s.body.spec, { replicas: 1 });
  assert.equal(s.body.status.selector, 'app=web');
  const put = await api.json<{ spec: { replicas: number } }>('PUT', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`, { ...s.body, spec: { replicas: 4 } });
  assert.equal(put.body.spec.replicas, 4);
  const patched = await api.json<{ spec: { replicas: number } }>('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`, { spec: { replicas: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(patched.body.spec.replicas, 2);
  const d = await api.json<{ spec: { replicas: number }; metadata: { generation: number } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`);
  assert.equal(d.body.spec.replicas, 2);
  assert.equal(d.body.metadata.generation, 3);
});

for (const minor of [27, 33, 35]) {
  const bin = findKubectl(minor);
  test(`kubectl 1.${minor} scale goes through /scale; auth can-i and whoami`, { skip: bin.path ? false : `kubectl 1.${minor} unavailable: ${bin.reason}` }, () => {
    const k = new Kubectl(bin.path!, server.kubeconfig);
    assert.match(k.ok(['-n', ns, 'scale', 'deployment', 'web', '--replicas=5']), /deployment.apps\/web scaled/);
    assert.equal(k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
    assert.equal(k.ok(['auth', 'can-i', 'create', 'deployments', '-n', ns]).trim(), 'yes');
    const list = k.ok(['auth', 'can-i', '--list']);
    assert.match(list, /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
    if (minor >= 28) assert.match(k.ok(['auth', 'whoami']), /Username\s+admin/);
  });
}

test('binding sets nodeName once and marks the pod scheduled', async () => {
  await api.json('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const b = await api.json<{ status: string }>('POST', `/api/v1/namespaces/${ns}/pods/p/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } });
  assert.equal(b.status, 201);
  assert.equal(b.body.status, 'Success');
  const pod = await api.json<{ spec: { nodeName: string }; status: { conditions: { type: string; status: string }[] } }>('GET', `/api/v1/namespaces/${ns}/pods/p`);
  assert.equal(pod.body.spec.nodeName, 'node-1');
  assert.ok(pod.body.status.conditions.some((c) => c.type === 'PodScheduled' && c.status === 'True'));
  const again = await api.json<Status>('POST', `/api/v1/namespaces/${ns}/pods/p/binding`, { metadata: { name: 'p' }, target: { name: 'node-2' } });
  assert.equal(again.status, 409);
  assert.match(again.body.message, /pod p is already assigned to node "node-1"/);
  const top = await api.json('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'q' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  assert.equal(top.status, 201);
  assert.equal((await api.json('POST', `/api/v1/namespaces/${ns}/bindings`, { metadata: { name: 'q' }, target: { name: 'node-3' } })).status, 201);
});

test('eviction honours a PodDisruptionBudget: 429 when it forbids, deletion when it allows', async () => {
  for (const name of ['e1', 'e2']) {
    await api.json('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name, labels: { app: 'guarded' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await api.json('PATCH', `/api/v1/namespaces/${ns}/pods/${name}/status`, { status: { phase: 'Running' } }, { 'Content-Type': 'application/merge-patch+json' });
  }
  const pdb = await api.json<{ metadata: { generation: number } }>('POST', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, { metadata: { name: 'guard' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'guarded' } } } });
  // The PDB controller is not running here: play it by writing the status it would.
  await api.json('PATCH', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/guard/status`, {
    status: { observedGeneration: pdb.body.metadata.generation, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 2 },
  }, { 'Content-Type': 'application/merge-patch+json' });
  const refused = await api.json<Status>('POST', `/api/v1/namespaces/${ns}/pods/e1/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e1' } });
  assert.equal(refused.status, 429);
  assert.equal(refused.body.reason, 'TooManyRequests');
  assert.equal(refused.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.equal(refused.body.details?.causes?.[0].reason, 'DisruptionBudget');
  assert.equal((await api.json('GET', `/api/v1/namespaces/${ns}/pods/e1`)).status, 200);

  await api.json('PATCH', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/guard/status`, { status: { disruptionsAllowed: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
  const ok = await api.json('POST', `/api/v1/namespaces/${ns}/pods/e1/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e1' } });
  assert.equal(ok.status, 201);
  assert.equal((await api.json('GET', `/api/v1/namespaces/${ns}/pods/e1`)).status, 404);
  const after = await api.json<{ status: { disruptionsAllowed: number; disruptedPods: Record<string, string> } }>('GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/guard`);
  assert.equal(after.body.status.disruptionsAllowed, 0);
  assert.ok(after.body.status.disruptedPods.e1);
});
