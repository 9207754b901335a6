/**
 * Static pods end to end: `k8ts server` and `k8ts agent` as processes with
 * real containerd, runc and CNI, and real kubectl. A manifest dropped into
 * the agent's pod-manifests directory runs in a container and gets a mirror
 * pod (config.mirror annotation, Node ownerReference, Running); deleting the
 * mirror pod makes a new one without restarting the container; editing the
 * manifest restarts it under a new hash; removing it stops the container
 * and deletes the mirror pod; a --manifest-url pod runs too, and goes when
 * the URL stops serving it. Needs root, the README's packages and kubectl
 * 1.35; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SOURCE_ANNOTATION, POD_UID_LABEL, connectCri, type Container,
} from '../../src/kubelet/index.js';
import { eventually } from '../harness/kubectl.js';
import { leftoverProcesses } from './leftovers.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip();


function manifest(name: string, greeting: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: kube-system
  labels: { tier: static }
spec:
  containers:
  - name: main
    image: ${BUSYBOX}
    env: [{ name: GREETING, value: "${greeting}" }]
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 1; done']
`;
}

test('k8ts agent runs static pods from a manifest directory and a URL, with mirror pods', { skip, timeout: 300_000 }, async (t) => {
  let urlBody = manifest('from-url', 'url');
  const web = createServer((req, res) => {
    if (req.headers['x-node'] !== 'n1') res.writeHead(403).end('want x-node');
    else res.writeHead(200).end(urlBody);
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const manifestUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/static`;
  const cri = { client: undefined as ReturnType<typeof connectCri> | undefined };
  const node = createTestNode({ name: 'static', bridgeTag: 's', agentArgs: ['--manifest-url', manifestUrl, '--manifest-url-header', 'x-node:n1'] });
  const { dir, ids, paths } = node;
  try {
    mkdirSync(paths.podManifestsDir, { recursive: true });
    await node.start();
    const kubectl = node.kubectl;
    const getPod = (name: string): Pod | undefined => node.getPod(name, 'kube-system');
    const running = (name: string, pred: (p: Pod) => boolean = () => true) => (): Pod | undefined => {
      const p = getPod(name);
      return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state?.running && pred(p) ? p : undefined;
    };
    const containersOf = async (podUid: string): Promise<Container[]> => {
      cri.client ??= connectCri(paths.containerdSocket);
      const all = await cri.client.runtime.listContainers();
      for (const c of all) ids.add(c.id);
      return all.filter((c) => c.labels[POD_UID_LABEL] === podUid);
    };
    const manifestPath = join(paths.podManifestsDir, 'web.yaml');
    const writeManifest = (data: string): void => {
      const tmp = join(paths.podManifestsDir, '.web.yaml.tmp');
      writeFileSync(tmp, data);
      renameSync(tmp, manifestPath);
    };

    await t.test('node n1 goes Ready', async () => {
      await node.waitReady(60_000);
    });

    let first: Pod | undefined;
    await t.test('a dropped manifest runs in a container and gets a Running mirror pod owned by the Node', async () => {
      const dropped = Date.now();
      writeManifest(manifest('web', 'one'));
      first = await eventually(running('web-n1'), 60_000, `mirror pod web-n1 Running; agent log:\n${node.logs().slice(-4000)}`);
      t.diagnostic(`manifest -> mirror Running in ${Date.now() - dropped} ms`);
      const ann = first!.metadata?.annotations ?? {};
      const hash = ann[CONFIG_HASH_ANNOTATION] ?? '';
      assert.match(hash, /^[0-9a-f]{32}$/);
      assert.equal(ann[CONFIG_MIRROR_ANNOTATION], hash);
      assert.equal(ann[CONFIG_SOURCE_ANNOTATION], 'file');
      assert.ok(ann['kubernetes.io/config.seen']);
      assert.notEqual(first!.metadata?.uid, hash, 'the mirror pod has the API\'s uid; the static pod\'s is its hash');
      const nodeUid = kubectl.ok(['get', 'node', 'n1', '-o', 'jsonpath={.metadata.uid}']);
      assert.deepEqual(first!.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: nodeUid, controller: true }]);
      assert.equal(first!.spec?.nodeName, 'n1');
      assert.deepEqual(first!.metadata?.labels, { tier: 'static' });
      const cs = first!.status?.containerStatuses?.[0];
      assert.equal(cs?.restartCount, 0);
      const containers = await containersOf(hash);
      assert.equal(containers.filter((c) => c.state === 'CONTAINER_RUNNING').length, 1, 'one running container carries the static pod\'s uid');
      assert.equal(`containerd://${containers.find((c) => c.state === 'CONTAINER_RUNNING')!.id}`, cs?.containerID);
    });

    await t.test('kubectl delete of the mirror pod: a new mirror pod, the container not restarted', async () => {
      const old = first!;
      kubectl.ok(['delete', 'pod', '-n', 'kube-system', 'web-n1', '--wait=true', '--timeout=60s']);
      const again = await eventually(running('web-n1', (p) => p.metadata?.uid !== old.metadata?.uid), 30_000, 'a new mirror pod');
      assert.equal(again!.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION], old.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]);
      assert.equal(again!.status?.containerStatuses?.[0]?.containerID, old.status?.containerStatuses?.[0]?.containerID);
      assert.equal(again!.status?.containerStatuses?.[0]?.restartCount, 0);
      const containers = await containersOf(old.metadata!.annotations![CONFIG_HASH_ANNOTATION]!);
      assert.deepEqual(containers.map((c) => `containerd://${c.id}`), [old.status!.containerStatuses![0]!.containerID], 'still the one container');
      first = again;
    });

    await t.test('an edited manifest: a new hash, a new mirror pod, the old container stopped and a new one running', async () => {
      const oldHash = first!.metadata!.annotations![CONFIG_HASH_ANNOTATION]!;
      writeManifest(manifest('web', 'two'));
      const next = await eventually(running('web-n1', (p) => p.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] !== oldHash), 60_000, 'the mirror pod of the edited manifest');
      const newHash = next!.metadata!.annotations![CONFIG_HASH_ANNOTATION]!;
      assert.equal(next!.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION], newHash);
      assert.notEqual(next!.metadata?.uid, first!.metadata?.uid);
      assert.equal(next!.spec?.containers[0]?.env?.[0]?.value, 'two');
      assert.notEqual(next!.status?.containerStatuses?.[0]?.containerID, first!.status?.containerStatuses?.[0]?.containerID);
      await eventually(async () => (await containersOf(oldHash)).every((c) => c.state === 'CONTAINER_EXITED'), 20_000, 'the old container stopped');
      assert.equal((await containersOf(newHash)).filter((c) => c.state === 'CONTAINER_RUNNING').length, 1);
      first = next;
    });

    await t.test('a restarted agent keeps the static pod: same hash, same mirror pod, same container', async () => {
      const before = getPod('web-n1')!;
      assert.equal(await node.stopAgent(), 0, node.logs().slice(-4000));
      node.startAgent();
      await eventually(() => node.logs().split('\n').filter((l) => l.includes('"controller started"') && l.includes('kubelet')).length >= 2, 30_000, 'the kubelet started again');
      await new Promise((r) => setTimeout(r, 4000));
      const after = await eventually(running('web-n1'), 20_000, 'web-n1 Running after the restart');
      assert.equal(after!.metadata?.uid, before.metadata?.uid, 'the mirror pod was not replaced');
      assert.equal(after!.metadata?.annotations?.[CONFIG_HASH_ANNOTATION], before.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]);
      assert.equal(after!.status?.containerStatuses?.[0]?.containerID, before.status?.containerStatuses?.[0]?.containerID);
      assert.equal(after!.status?.containerStatuses?.[0]?.restartCount, 0);
    });

    await t.test('a --manifest-url pod (sent with its header) runs with a mirror pod', async () => {
      const p = await eventually(running('from-url-n1'), 60_000, 'mirror pod from-url-n1 Running');
      assert.equal(p!.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION], 'http');
      assert.equal(p!.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION], p!.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]);
      assert.equal(p!.spec?.tolerations?.some((tol) => !tol.key && tol.operator === 'Exists' && tol.effect === 'NoExecute' && tol.tolerationSeconds === undefined), false, 'no toleration-of-everything for a URL pod');
    });

    await t.test('a removed manifest: the container stops and the mirror pod is deleted; likewise when the URL stops serving', async () => {
      const hash = first!.metadata!.annotations![CONFIG_HASH_ANNOTATION]!;
      const removed = Date.now();
      unlinkSync(manifestPath);
      await eventually(() => getPod('web-n1') === undefined, 30_000, 'mirror pod web-n1 deleted');
      await eventually(async () => (await containersOf(hash)).length === 0, 20_000, 'the static pod\'s containers removed');
      t.diagnostic(`manifest removed -> mirror pod and containers gone in ${Date.now() - removed} ms`);
      const urlHash = getPod('from-url-n1')!.metadata!.annotations![CONFIG_HASH_ANNOTATION]!;
      urlBody = '';
      await eventually(() => getPod('from-url-n1') === undefined, 45_000, 'mirror pod from-url-n1 deleted (the URL is read every 20 s)');
      await eventually(async () => (await containersOf(urlHash)).length === 0, 20_000, 'the URL pod\'s containers removed');
      assert.deepEqual(await cri.client!.runtime.listPodSandbox(), [], 'no sandbox left');
    });

    await t.test('SIGTERM stops the agent', async () => {
      cri.client?.close();
      cri.client = undefined;
      assert.equal(await node.stopAgent(), 0, node.logs().slice(-4000));
      await eventually(() => leftoverProcesses(dir, ids).length === 0, 10_000, 'no process left');
    });
  } finally {
    cri.client?.close();
    web.close();
    await node.cleanup();
  }
});
