/**
 * The kubelet's pod loop on the PLEG, against a real `k8ts server` and the
 * in-memory CRI: a running pod that nothing changes costs no status call;
 * a container that exits is seen by the relist and restarted well before
 * the steady resync; a deleted pod's sandbox goes and the deletion is
 * confirmed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../../../src/client/index.js';
import { Kubelet } from '../../../src/kubelet/kubelet.js';
import { startServer } from '../../harness/server.js';
import { capturingLogger } from '../config/log-lines.js';
import { CountingCri } from './counting-cri.js';

async function eventually<T>(f: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the kubelet syncs pods on PLEG events, not by polling each pod', { timeout: 90_000 }, async (t) => {
  const server = await startServer({ datastore: 'memory' });
  const client = new RestClient(loadKubeconfig(server.kubeconfig), { component: 'kubelet' });
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-pleg-'));
  const cri = new CountingCri();
  const { logger } = capturingLogger();
  const kubelet = new Kubelet({
    client, nodeName: 'n1', runtime: cri, images: cri, logger, hostIPs: () => ['10.0.0.1'],
    rootDir: join(dir, 'kubelet'), podLogsDir: join(dir, 'pods'), cgroupRoot: join(dir, 'cgroup'), relistPeriodMs: 200,
  });
  const getPod = (): Promise<Pod | undefined> => client.get<Pod>(RESOURCES.pods, 'web', { namespace: 'default' }).catch(() => undefined);
  try {
    kubelet.start();
    // The default ServiceAccount comes from a controller: create is retried until admission finds it.
    await eventually(() => client.create<Pod>(RESOURCES.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
      spec: { nodeName: 'n1', automountServiceAccountToken: false, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'img/app:1' }] },
    }, { namespace: 'default' }).catch(() => undefined), 20_000, 'pod web created');
    await eventually(async () => (await getPod())?.status?.containerStatuses?.[0]?.state?.running, 20_000, 'pod web Running');

    await t.test('an idle running pod costs list calls only', async () => {
      await new Promise((r) => setTimeout(r, 500));
      cri.resetReads();
      await new Promise((r) => setTimeout(r, 2500));
      const reads = Object.fromEntries(cri.reads);
      assert.equal(reads['containerStatus'] ?? 0, 0, `no ContainerStatus in 2.5 s: ${JSON.stringify(reads)}`);
      assert.equal(reads['podSandboxStatus'] ?? 0, 0, `no PodSandboxStatus in 2.5 s: ${JSON.stringify(reads)}`);
      assert.ok((reads['listContainers'] ?? 0) >= 5, `the relist ran (${reads['listContainers'] ?? 0} ListContainers at a 200 ms period)`);
    });

    await t.test('an exited container is restarted on the relist, not the 10 s resync', async () => {
      const app = [...cri.containers.values()].find((c) => c.container.state === 'CONTAINER_RUNNING')!;
      const exitedAt = Date.now();
      cri.exit(app.container.id, 1);
      const status = await eventually(async () => {
        const s = (await getPod())?.status?.containerStatuses?.[0];
        return s?.restartCount === 1 && s.state?.running ? s : undefined;
      }, 5000, 'restartCount 1 and running again');
      assert.equal(status.lastState?.terminated?.exitCode, 1);
      t.diagnostic(`exit -> restarted and reported in ${Date.now() - exitedAt} ms`);
    });

    await t.test('a deleted pod: containers stopped, sandbox removed, deletion confirmed', async () => {
      await client.delete(RESOURCES.pods, 'web', { namespace: 'default' });
      await eventually(async () => (await getPod()) === undefined, 15_000, 'pod web gone from the API');
      assert.equal(cri.sandboxes.size, 0);
    });
  } finally {
    await kubelet.stop();
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
