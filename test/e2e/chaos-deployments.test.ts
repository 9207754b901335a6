/**
 * Chaos: 200 pods under four Deployments on simulated nodes; mid-rollout the
 * server (and with it the controller manager, scheduler and simulator) is
 * killed (SIGKILL) or stopped (SIGTERM) and restarted on the same data
 * directory, several times. Afterwards every Deployment converges to exactly
 * its replica count on the new template, and no pod or ReplicaSet is left
 * without a live owner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
const DEPLOYMENTS = 4;
const REPLICAS = 50;
const RESTARTS = 4;
const ARGS = ['--simulated-nodes', '10'];

interface Owned { metadata: { name: string; uid: string; deletionTimestamp?: string; ownerReferences?: { uid: string; controller?: boolean }[] } }
interface PodItem extends Owned { spec: { containers: { image: string }[] } }
interface DeploymentItem extends Owned { spec: { replicas: number }; status?: { replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number } }

test('Deployments converge exactly after the server is killed and restarted mid-rollout', { skip: bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`, timeout: 420_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-chaos-'));
  let server: RunningServer | undefined = await startServer({ dataDir, args: ARGS });
  try {
    let k = new Kubectl(bin.path!, server.kubeconfig);
    k.ok(['create', 'namespace', 'chaos']);
    for (let i = 0; i < DEPLOYMENTS; i++) {
      k.ok(['-n', 'chaos', 'create', 'deployment', `d${i}`, '--image=registry.example/app:1', `--replicas=${REPLICAS}`]);
    }
    for (let i = 0; i < DEPLOYMENTS; i++) k.ok(['-n', 'chaos', 'rollout', 'status', `deployment/d${i}`, '--timeout=120s']);
    for (let i = 0; i < DEPLOYMENTS; i++) k.ok(['-n', 'chaos', 'set', 'image', `deployment/d${i}`, '*=registry.example/app:2']);

    for (let r = 0; r < RESTARTS; r++) {
      await new Promise((res) => setTimeout(res, 500 + Math.random() * 1500));
      if (r % 2 === 0) await server.kill(); else await server.stop({ keepData: true });
      server = await startServer({ dataDir, args: ARGS, timeoutMs: 30_000 });
      k = new Kubectl(bin.path!, server.kubeconfig);
      if (r === 1) for (let i = 0; i < DEPLOYMENTS; i++) k.ok(['-n', 'chaos', 'scale', `deployment/d${i}`, `--replicas=${REPLICAS}`]);
    }

    const get = <T>(what: string): T[] => (JSON.parse(k.ok(['-n', 'chaos', 'get', what, '-o', 'json'])) as { items: T[] }).items;
    await eventually(() => {
      const ds = get<DeploymentItem>('deployments');
      return ds.length === DEPLOYMENTS && ds.every((d) => d.status?.replicas === REPLICAS && d.status.updatedReplicas === REPLICAS
        && d.status.availableReplicas === REPLICAS);
    }, 240_000, 'every Deployment to report all replicas updated and available');
    await eventually(() => get<PodItem>('pods').length === DEPLOYMENTS * REPLICAS, 120_000, 'old pods to be gone');

    const deployments = get<DeploymentItem>('deployments');
    const replicaSets = get<Owned & { spec: { replicas: number } }>('replicasets');
    const pods = get<PodItem>('pods');
    const dUids = new Set(deployments.map((d) => d.metadata.uid));
    const rsUids = new Set(replicaSets.map((r) => r.metadata.uid));
    const ctl = (o: Owned): string | undefined => o.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    assert.deepEqual(replicaSets.filter((r) => !dUids.has(ctl(r) ?? '')).map((r) => r.metadata.name), [], 'ReplicaSets without a live Deployment');
    assert.deepEqual(pods.filter((p) => !rsUids.has(ctl(p) ?? '')).map((p) => p.metadata.name), [], 'pods without a live ReplicaSet');
    assert.deepEqual(pods.filter((p) => p.spec.containers[0]!.image !== 'registry.example/app:2').map((p) => p.metadata.name), [], 'pods on the old template');
    for (const d of deployments) {
      const mine = replicaSets.filter((r) => ctl(r) === d.metadata.uid);
      const scaled = mine.filter((r) => r.spec.replicas > 0);
      assert.equal(scaled.length, 1, `${d.metadata.name}: one ReplicaSet with replicas`);
      assert.equal(scaled[0]!.spec.replicas, REPLICAS);
      assert.equal(pods.filter((p) => ctl(p) === scaled[0]!.metadata.uid).length, REPLICAS, `${d.metadata.name}: exactly ${REPLICAS} pods`);
    }
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
