/**
 * `kubectl delete deployment --cascade=background|foreground|orphan`: the
 * garbage collector and the deployment and replicaset controllers together,
 * as a user sees them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let cluster: FakeCluster;
let client: RestClient;
let k: Kubectl;

before(async () => {
  if (skip) return;
  server = await startServer({ datastore: 'memory', args: ['--disable-scheduler'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2 });
  client = RestClient.fromKubeconfig(server.kubeconfig);
  k = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => { client?.close(); await cluster?.stop(); await server?.stop(); });

/** kubectl without blocking this process's event loop, which runs the stand-in cluster. */
async function kubectl(args: string[]): Promise<string> {
  const child = spawn(bin.path!, ['--kubeconfig', server.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${status}):\n${out}`);
  return out;
}

const rss = async (app: string): Promise<ReplicaSet[]> =>
  (await client.list<ReplicaSet>(RESOURCES.replicasets, { namespace: 'default', labelSelector: `app=${app}` })).items;
const pods = async (app: string): Promise<Pod[]> =>
  (await client.list<Pod>(RESOURCES.pods, { namespace: 'default', labelSelector: `app=${app}` })).items;

async function deploy(name: string): Promise<void> {
  k.ok(['create', 'deployment', name, '--image=nginx', '--replicas=2']);
  await kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
  await eventually(async () => (await pods(name)).filter((p) => !p.metadata?.deletionTimestamp).length === 2, 20_000, `two ${name} pods`);
}

test('background: the deployment goes at once, its ReplicaSet and pods after', { skip }, async () => {
  await deploy('bg');
  await kubectl(['delete', 'deployment', 'bg', '--cascade=background']);
  await eventually(async () => (await rss('bg')).length === 0 && (await pods('bg')).length === 0, 30_000, 'ReplicaSet and pods gone');
});

test('foreground: the deployment is gone only after its ReplicaSet and pods', { skip }, async () => {
  await deploy('fg');
  await kubectl(['delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=60s']);
  assert.equal(k.run(['get', 'deployment', 'fg']).status, 1);
  assert.equal((await rss('fg')).length, 0);
  assert.equal((await pods('fg')).filter((p) => !p.metadata?.deletionTimestamp).length, 0);
});

test('orphan: the ReplicaSet and its pods stay, without an owner, and are still managed', { skip }, async () => {
  await deploy('or');
  await kubectl(['delete', 'deployment', 'or', '--cascade=orphan', '--timeout=60s']);
  assert.equal(k.run(['get', 'deployment', 'or']).status, 1);
  const left = await rss('or');
  assert.equal(left.length, 1);
  assert.equal(left[0]!.metadata!.ownerReferences, undefined);
  assert.equal((await pods('or')).length, 2);
  // The orphaned ReplicaSet keeps working: scale it and see its pods follow.
  await kubectl(['scale', 'replicaset', left[0]!.metadata!.name!, '--replicas=3']);
  await eventually(async () => (await pods('or')).filter((p) => !p.metadata?.deletionTimestamp).length === 3, 20_000, 'three pods');
  // A new deployment with the same selector adopts it again.
  await deploy('or');
  const adopted = await rss('or');
  assert.equal(adopted.length, 1, 'the same template: the orphan is adopted, not duplicated');
  assert.equal(adopted[0]!.metadata!.ownerReferences?.[0]?.kind, 'Deployment');
});
