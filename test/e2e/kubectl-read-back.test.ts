/**
 * Objects read back with kubectl `-o json` after controllers have written
 * them, with every kubectl minor the suite uses: the scenario of a user on
 * `k8ts server --simulated-nodes 3` (create deployment, rollout status, get
 * -o json, set image, rollout undo, expose, scale, a Job to completion, and
 * a watch with -o json). kubectl fails with "Object 'Kind' is missing" when
 * an object or a watch event lacks its type, so every read is also checked
 * for kind and apiVersion here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const MINORS = [27, 31, 33, 35];

interface Obj { apiVersion?: string; kind?: string; metadata: { name: string }; status?: Record<string, unknown> }
interface List { kind: string; items: Obj[] }

let server: RunningServer | undefined;

before(async () => {
  if (MINORS.every((m) => !findKubectl(m).path)) return;
  server = await startServer({ args: ['--simulated-nodes', '3'] });
});
after(async () => { await server?.stop(); });

function typed(o: Obj, kind: string, apiVersion: string, where: string): void {
  assert.equal(o.kind, kind, `${where}: kind`);
  assert.equal(o.apiVersion, apiVersion, `${where}: apiVersion`);
}

/** `kubectl get X -o json`: one object, or a List whose items kubectl fills in. */
function getJson(k: Kubectl, ns: string, args: string[]): Obj & List {
  return JSON.parse(k.ok(['-n', ns, 'get', ...args, '-o', 'json'])) as Obj & List;
}

for (const minor of MINORS) {
  const bin = findKubectl(minor);
  const skip = bin.path ? false : `kubectl 1.${minor} unavailable: ${bin.reason}`;
  test(`kubectl 1.${minor} reads back what the controllers wrote`, { skip, timeout: 120_000 }, async () => {
    const k = new Kubectl(bin.path!, server!.kubeconfig);
    const ns = `readback-${minor}`;
    k.ok(['create', 'namespace', ns]);
    k.ok(['-n', ns, 'create', 'deployment', 'web', '--image=busybox', '--replicas=3']);
    k.ok(['-n', ns, 'rollout', 'status', 'deploy/web', '--timeout=60s']);

    const dep = getJson(k, ns, ['deploy', 'web']);
    typed(dep, 'Deployment', 'apps/v1', 'deployment after rollout');
    assert.equal((dep.status as { readyReplicas?: number }).readyReplicas, 3);
    for (const rs of getJson(k, ns, ['rs']).items) typed(rs, 'ReplicaSet', 'apps/v1', `replicaset ${rs.metadata.name}`);
    const pods = getJson(k, ns, ['pods']).items;
    assert.equal(pods.length, 3);
    for (const p of pods) typed(p, 'Pod', 'v1', `pod ${p.metadata.name}`);
    typed(getJson(k, ns, ['pod', pods[0].metadata.name]), 'Pod', 'v1', 'pod by name');
    for (const n of getJson(k, ns, ['nodes']).items) typed(n, 'Node', 'v1', `node ${n.metadata.name}`);
    typed(getJson(k, ns, ['namespace', ns]), 'Namespace', 'v1', 'namespace');

    // Each of these read the Deployment (and its ReplicaSets) as JSON before writing.
    k.ok(['-n', ns, 'set', 'image', 'deploy/web', 'busybox=busybox:1.36']);
    k.ok(['-n', ns, 'rollout', 'status', 'deploy/web', '--timeout=60s']);
    k.ok(['-n', ns, 'rollout', 'undo', 'deploy/web']);
    k.ok(['-n', ns, 'rollout', 'status', 'deploy/web', '--timeout=60s']);
    k.ok(['-n', ns, 'expose', 'deploy/web', '--port=80']);
    k.ok(['-n', ns, 'scale', 'deploy/web', '--replicas=2']);
    const scaled = await eventually(() => {
      const d = getJson(k, ns, ['deploy', 'web']);
      return (d.status as { replicas?: number }).replicas === 2 ? d : undefined;
    }, 30_000, 'scaled to 2');
    typed(scaled!, 'Deployment', 'apps/v1', 'deployment after scale');
    typed(getJson(k, ns, ['svc', 'web']), 'Service', 'v1', 'service');
    const ep = await eventually(() => {
      const e = getJson(k, ns, ['endpoints', 'web']);
      return (e as unknown as { subsets?: unknown[] }).subsets?.length ? e : undefined;
    }, 30_000, 'endpoints');
    typed(ep!, 'Endpoints', 'v1', 'endpoints');
    for (const s of getJson(k, ns, ['endpointslices']).items) typed(s, 'EndpointSlice', 'discovery.k8s.io/v1', 'endpointslice');

    k.ok(['-n', ns, 'create', 'job', 'once', '--image=busybox', '--', 'true']);
    k.ok(['-n', ns, 'wait', '--for=condition=complete', 'job/once', '--timeout=60s']);
    const job = getJson(k, ns, ['job', 'once']);
    typed(job, 'Job', 'batch/v1', 'job after completion');
    assert.equal((job.status as { succeeded?: number }).succeeded, 1);

    // A watch as JSON: each event's object is decoded by kubectl, which needs its kind.
    const w = k.start(['-n', ns, 'get', 'deploy', 'web', '-w', '-o', 'json', '--output-watch-events']);
    try {
      await eventually(() => w.output().includes('"ADDED"'), 20_000, 'the initial watch event');
      k.ok(['-n', ns, 'scale', 'deploy/web', '--replicas=1']);
      await eventually(() => w.output().includes('"MODIFIED"'), 20_000, 'a MODIFIED watch event');
    } finally {
      await w.stop();
    }
    const out = w.output();
    assert.doesNotMatch(out, /unable to decode|Object 'Kind' is missing/);
    const events = splitJsonObjects(out) as { type: string; object: Obj }[];
    assert.ok(events.length >= 2, `watch events: ${out.slice(0, 500)}`);
    for (const ev of events) typed(ev.object, 'Deployment', 'apps/v1', `watch ${ev.type}`);
  });
}

/** The JSON values of a stream of concatenated, pretty-printed objects (kubectl -w -o json). */
function splitJsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') { if (depth++ === 0) start = i; }
    else if (ch === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}
