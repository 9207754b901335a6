/**
 * helm 3 and helm 4 (from the npm layer packages) install, upgrade, roll back
 * and uninstall the chart `helm create` generates, and `--dry-run=server`
 * works. Pods do not run yet, so nothing waits for readiness.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { findHelm } from '../harness/clients.js';
import { RawClient } from '../harness/raw-client.js';

for (const major of [3, 4] as const) {
  const helm = findHelm(major);
  describe(`helm ${major}`, { skip: helm.path ? false : `helm ${major} unavailable: ${helm.reason}` }, () => {
    let server: RunningServer;
    let api: RawClient;
    const home = mkdtempSync(join(tmpdir(), `helm${major}-`));
    const env = { ...process.env, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
    const run = (args: string[]): { status: number | null; out: string } => {
      const r = spawnSync(helm.path!, [...args, '--kubeconfig', server.kubeconfig], { encoding: 'utf8', env, timeout: 120_000 });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };
    const ok = (args: string[]): string => {
      const r = run(args);
      if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${r.out}`);
      return r.out;
    };
    const chart = join(home, 'demo');

    before(async () => {
      server = await startServer();
      api = new RawClient(server.kubeconfig);
      execFileSync(helm.path!, ['create', chart], { env });
    });
    after(async () => { api?.close(); await server?.stop(); });

    test('install --dry-run=server stores nothing', () => {
      const out = ok(['install', 'demo', chart, '--namespace', 'default', '--dry-run=server']);
      assert.match(out, /kind: Deployment/);
    });

    test('install, upgrade, rollback, uninstall', async () => {
      assert.match(ok(['install', 'demo', chart, '--namespace', 'default']), /STATUS: deployed/);
      const d1 = await api.json<{ spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }>('GET', '/apis/apps/v1/namespaces/default/deployments/demo');
      assert.equal(d1.status, 200);
      assert.equal(d1.body.spec.replicas, 1);
      assert.equal((await api.json('GET', '/api/v1/namespaces/default/services/demo')).status, 200);
      assert.equal((await api.json('GET', '/api/v1/namespaces/default/serviceaccounts/demo')).status, 200);

      ok(['upgrade', 'demo', chart, '--namespace', 'default', '--set', 'replicaCount=3', '--set', 'image.tag=1.27']);
      const d2 = await api.json<{ spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }>('GET', '/apis/apps/v1/namespaces/default/deployments/demo');
      assert.equal(d2.body.spec.replicas, 3);
      assert.match(d2.body.spec.template.spec.containers[0].image, /:1\.27$/);
      assert.match(ok(['history', 'demo', '--namespace', 'default']), /^2\s+.*deployed/m);

      ok(['rollback', 'demo', '1', '--namespace', 'default']);
      const d3 = await api.json<{ spec: { replicas: number } }>('GET', '/apis/apps/v1/namespaces/default/deployments/demo');
      assert.equal(d3.body.spec.replicas, 1);
      assert.match(ok(['history', 'demo', '--namespace', 'default']), /^3\s+.*deployed\s+.*Rollback to 1/m);

      assert.match(ok(['uninstall', 'demo', '--namespace', 'default']), /release "demo" uninstalled/);
      assert.equal((await api.json('GET', '/apis/apps/v1/namespaces/default/deployments/demo')).status, 404);
      assert.equal((await api.json('GET', '/api/v1/namespaces/default/services/demo')).status, 404);
      const secrets = await api.json<{ items: unknown[] }>('GET', '/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm');
      assert.equal(secrets.body.items.length, 0);
    });
  });
}
