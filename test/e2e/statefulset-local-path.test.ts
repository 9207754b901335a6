/**
 * local-path storage on a real node: `k8ts server` and one `k8ts agent`
 * (real containerd, runc, CNI). The agent records its storage dir
 * (<data-dir>/storage) on its Node; a StatefulSet's claim, of the default
 * class, is provisioned there and bound, and its pod runs and writes into
 * it; a deleted pod comes back on the same volume and finds its data; once the set is
 * scaled down and the claim deleted, the agent's cleaner removes the volume's
 * directory and the PersistentVolume goes. Needs root, the README's packages
 * and kubectl 1.35; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { eventually } from '../harness/kubectl.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from '../node/node-under-test.js';

const skip = nodeTestSkip();


test('a StatefulSet\'s local-path volume on a real node: provisioned under the agent\'s storage dir, removed with its claim', { skip, timeout: 180_000 }, async (t) => {
  const node = createTestNode({ name: 'local-path', bridgeTag: 'l' });
  const { ids } = node;
  const storageDir = join(node.dataDir, 'storage');
  try {
    await node.start();
    const k = node.kubectl;
    const get = <T>(args: string[]): T => JSON.parse(k.ok(['get', ...args, '-o', 'json'])) as T;

    await t.test('the agent records its storage dir on its Node', async () => {
      await node.waitReady();
      await eventually(() => get<Node>(['node', 'n1']).metadata?.annotations?.['k8ts.io/local-path-storage-dir'] === storageDir, 15_000, 'storage dir annotation');
    });

    let volumeName = '';
    let volumePath = '';
    await t.test('the claim is provisioned on n1 under the storage dir and bound; the pod runs', async () => {
      k.ok(['apply', '-f', '-'], { input: JSON.stringify({
        apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
        spec: {
          serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: {
              terminationGracePeriodSeconds: 5,
              // Each start appends a line to the volume: a pod that comes back finds the lines before it.
              containers: [{
                name: 'db', image: BUSYBOX, volumeMounts: [{ name: 'data', mountPath: '/data' }],
                command: ['sh', '-c', 'echo "boot $(hostname) $(cat /proc/sys/kernel/random/uuid)" >> /data/boots; trap "exit 0" TERM; sleep 3600 & wait'],
              }],
            },
          },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        },
      }) });
      const pod = await eventually(() => {
        const p = get<Pod>(['pod', 'db-0']);
        return p.status?.phase === 'Running' ? p : undefined;
      }, 60_000, 'db-0 Running').catch((e: unknown) => {
        throw new Error(`${String(e)}\n${k.run(['describe', 'pod,pvc,pv']).stdout}\nagent log tail:\n${node.logs().slice(-3000)}`);
      });
      for (const cs of pod!.status?.containerStatuses ?? []) if (cs.containerID) ids.add(cs.containerID.replace('containerd://', ''));
      const claim = get<PersistentVolumeClaim>(['pvc', 'data-db-0']);
      assert.equal(claim.status?.phase, 'Bound');
      assert.equal(claim.spec?.storageClassName, 'local-path');
      volumeName = claim.spec!.volumeName!;
      const pv = get<PersistentVolume>(['pv', volumeName]);
      volumePath = pv.spec?.hostPath?.path ?? '';
      assert.equal(volumePath, join(storageDir, `${volumeName}_default_data-db-0`));
      assert.equal(pod!.spec?.nodeName, 'n1');
      // Pinned by the node's hostname label (the machine's hostname), as local-path-provisioner pins it.
      const hostname = get<Node>(['node', 'n1']).metadata?.labels?.['kubernetes.io/hostname'];
      assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values, [hostname]);
    });

    await t.test('the pod writes into its volume; deleted, it comes back on the same volume and finds its data', async () => {
      const boots = join(volumePath, 'boots');
      await eventually(() => existsSync(boots) && readFileSync(boots, 'utf8').trim() !== '', 30_000, 'the first boot line on the volume');
      const first = readFileSync(boots, 'utf8').trim();
      const oldUid = get<Pod>(['pod', 'db-0']).metadata?.uid;
      k.ok(['delete', 'pod', 'db-0', '--wait=false']);
      await eventually(() => {
        const p = get<Pod>(['pod', 'db-0']);
        return p.metadata?.uid !== oldUid && p.status?.phase === 'Running';
      }, 60_000, 'a new db-0 Running').catch((e: unknown) => {
        throw new Error(`${String(e)}\n${k.run(['describe', 'pod,pvc,pv']).stdout}\nagent log tail:\n${node.logs().slice(-3000)}`);
      });
      for (const cs of get<Pod>(['pod', 'db-0']).status?.containerStatuses ?? []) if (cs.containerID) ids.add(cs.containerID.replace('containerd://', ''));
      await eventually(() => readFileSync(boots, 'utf8').trim().split('\n').length === 2, 30_000, 'a second boot line');
      const lines = readFileSync(boots, 'utf8').trim().split('\n');
      assert.equal(lines[0], first, 'the first pod\'s data is still there');
      assert.notEqual(lines[1], first);
      assert.equal(get<PersistentVolumeClaim>(['pvc', 'data-db-0']).spec?.volumeName, volumeName, 'the same claim and volume');
    });

    await t.test('scaled down and its claim deleted, the directory is removed by the agent and the volume goes', async () => {
      mkdirSync(join(volumePath, 'sub'), { recursive: true });
      writeFileSync(join(volumePath, 'sub', 'file'), 'data');
      k.ok(['scale', 'statefulset', 'db', '--replicas=0']);
      await eventually(() => get<{ items: Pod[] }>(['pods', '-l', 'app=db']).items.length === 0, 40_000, 'db-0 gone');
      k.ok(['delete', 'pvc', 'data-db-0', '--wait=true', '--timeout=30s']);
      await eventually(() => k.run(['get', 'pv', volumeName]).status !== 0, 30_000, `volume ${volumeName} deleted; agent log tail:\n${node.logs().slice(-3000)}`);
      assert.equal(existsSync(volumePath), false, 'the volume directory was removed');
      assert.ok(existsSync(storageDir), 'the storage dir stays');
    });
  } finally {
    await node.cleanup();
  }
});
