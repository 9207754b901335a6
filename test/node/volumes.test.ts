/**
 * Pod volumes end to end: `k8ts server` and `k8ts agent` as processes,
 * real containerd and runc, driven with kubectl. A configMap change shows
 * up in the running container (the time it took is printed); two
 * containers share an emptyDir; a secret volume has its items and mode; a
 * downwardAPI volume has the labels; a subPath mount; fsGroup owns the
 * emptyDir; a missing ConfigMap
 * holds its pod with FailedMount while the others run; a deleted pod leaves
 * no mount and no pod dir. The containers report what they see into a
 * hostPath dir the test reads. Needs root, the README's packages and
 * kubectl 1.35; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { eventually } from '../harness/kubectl.js';
import { leftoverMounts } from './leftovers.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip();

const LOOP = 'trap "exit 0" TERM;';

function volumesPod(out: string): Pod {
  const report = [
    'cat /etc/creds/password > /out/password',
    'stat -L -c %a /etc/creds/password > /out/password-mode',
    'ls /etc/creds > /out/creds-ls',
    'cat /etc/info/labels > /out/labels',
    'cat /etc/greeting-sub > /out/subpath',
    'cat /etc/hosts > /out/hosts',
    'stat -c "%g %a" /shared > /out/shared-stat',
  ].join('; ');
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'vols', labels: { app: 'vols', tier: 'test' } },
    spec: {
      terminationGracePeriodSeconds: 5,
      securityContext: { fsGroup: 2000 },
      containers: [
        { name: 'writer', image: BUSYBOX, command: ['sh', '-c', `${LOOP} echo from-writer > /shared/msg; while true; do sleep 1; done`],
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
        { name: 'reader', image: BUSYBOX,
          command: ['sh', '-c', `${LOOP} ${report}; while true; do cat /etc/cfg/greeting > /out/g.tmp && mv /out/g.tmp /out/greeting; cat /shared/msg > /out/m.tmp 2>/dev/null && mv /out/m.tmp /out/msg; sleep 0.2; done`],
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/cfg' },
            { name: 'cfg', mountPath: '/etc/greeting-sub', subPath: 'greeting' },
            { name: 'creds', mountPath: '/etc/creds' },
            { name: 'info', mountPath: '/etc/info' },
            { name: 'shared', mountPath: '/shared' },
            { name: 'out', mountPath: '/out' },
          ] },
      ],
      volumes: [
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'creds', secret: { secretName: 'creds', items: [{ key: 'pass', path: 'password', mode: 0o400 }] } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'shared', emptyDir: {} },
        { name: 'out', hostPath: { path: out, type: 'DirectoryOrCreate' } },
      ],
    },
  };
}

test('pod volumes in real containers', { skip, timeout: 240_000 }, async (t) => {
  const node = createTestNode({ name: 'volumes', bridgeTag: 'v' });
  const { dir, paths } = node;
  const out = join(dir, 'out');
  const readOut = (name: string): string | undefined => {
    try { return readFileSync(join(out, name), 'utf8'); } catch { return undefined; }
  };
  try {
    await node.start();
    const kubectl = node.kubectl;
    const getPod = (name: string): Pod | undefined => node.getPod(name);

    await node.waitReady();
    kubectl.ok(['create', 'configmap', 'cfg', '--from-literal=greeting=hello']);
    kubectl.ok(['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=pass=s3cret']);
    kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify(volumesPod(out)) });
    kubectl.ok(['run', 'waits', `--image=${BUSYBOX}`, '--restart=Never', '--overrides', JSON.stringify({
      spec: { terminationGracePeriodSeconds: 5, volumes: [{ name: 'v', configMap: { name: 'nope' } }], containers: [{ name: 'waits', image: BUSYBOX, command: ['sh', '-c', `${LOOP} while true; do sleep 1; done`], volumeMounts: [{ name: 'v', mountPath: '/v' }] }] },
    })]);

    await t.test('the pod runs with all its volumes', async () => {
      await eventually(() => getPod('vols')?.status?.phase === 'Running' && readOut('greeting') === 'hello', 60_000, `pod vols Running; agent log:\n${node.logs().slice(-4000)}`);
    });

    await t.test('a ConfigMap change appears in the running container', async () => {
      const changed = Date.now();
      kubectl.ok(['patch', 'configmap', 'cfg', '-p', JSON.stringify({ data: { greeting: 'changed' } })]);
      await eventually(() => readOut('greeting') === 'changed', 30_000, 'the new greeting in the container');
      const ms = Date.now() - changed;
      t.diagnostic(`configMap patch -> new content read inside the container in ${ms} ms`);
      assert.ok(ms < 30_000);
    });

    await t.test('two containers share an emptyDir: one writes, the other reads', async () => {
      await eventually(() => readOut('msg') === 'from-writer\n', 15_000, 'the writer\'s message read by the reader');
    });

    await t.test('a secret volume with items and mode; a downwardAPI volume with labels; a subPath mount; /etc/hosts; fsGroup', async () => {
      assert.equal(readOut('password'), 's3cret');
      assert.equal(readOut('password-mode'), '440\n', 'mode 0400 plus the fsGroup\'s r--, as upstream\'s SetVolumeOwnership');
      assert.equal(readOut('creds-ls'), 'password\n', 'only the listed item');
      assert.equal(readOut('labels'), 'app="vols"\ntier="test"');
      assert.equal(readOut('shared-stat'), '2000 2777\n', 'the emptyDir belongs to the fsGroup, setgid');
      assert.equal(readOut('subpath'), 'hello', 'a subPath of a configMap keeps the content it started with, as upstream\'s');
      const podIP = getPod('vols')?.status?.podIP ?? '';
      assert.match(readOut('hosts') ?? '', new RegExp(`^# Kubernetes-managed hosts file\\.\\n[\\s\\S]*\\n${podIP.replace(/\./g, '\\.')}\\tvols\\n$`));
    });

    await t.test('a missing ConfigMap holds its pod in ContainerCreating with FailedMount', async () => {
      const events = await eventually(() => {
        const list = (JSON.parse(kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=waits', '-o', 'json'])) as { items: Array<{ type?: string; reason?: string; message?: string }> }).items;
        return list.some((e) => e.reason === 'FailedMount') ? list : undefined;
      }, 30_000, 'a FailedMount event on pod waits');
      const failed = events!.find((e) => e.reason === 'FailedMount')!;
      assert.equal(failed.type, 'Warning');
      assert.equal(failed.message, 'MountVolume.SetUp failed for volume "v" : configmap "nope" not found');
      const waits = getPod('waits');
      assert.equal(waits?.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
      kubectl.ok(['create', 'configmap', 'nope', '--from-literal=k=v']);
      await eventually(() => getPod('waits')?.status?.phase === 'Running', 30_000, 'pod waits runs once its ConfigMap exists');
    });

    await t.test('deleting the pods leaves no mount and no pod dir behind', async () => {
      const uid = getPod('vols')?.metadata?.uid ?? '';
      const podDir = join(paths.kubeletDir, 'pods', uid);
      assert.ok(uid && existsSync(podDir));
      assert.ok(leftoverMounts(podDir).length > 0, 'the secret volume is a tmpfs while the pod runs');
      kubectl.ok(['delete', 'pod', 'vols', 'waits', '--wait=true', '--timeout=60s']);
      const pods = join(paths.kubeletDir, 'pods');
      await eventually(() => leftoverMounts(pods).length === 0 && readdirSync(pods).length === 0, 30_000, `pod volumes torn down; left: ${readdirSync(pods).join(', ')}`);
      assert.equal(existsSync(podDir), false);
      assert.equal(readOut('greeting'), 'changed', 'the hostPath volume\'s content stays');
    });

    assert.equal(await node.stopAgent(), 0, node.logs().slice(-4000));
    assert.deepEqual(leftoverMounts(dir), []);
  } finally {
    await node.cleanup();
  }
});
