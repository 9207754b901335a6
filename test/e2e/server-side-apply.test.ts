/**
 * Server-side apply and kubectl diff with real kubectl 1.33 and 1.35:
 * apply creates, updates, reports a conflict with another manager, and
 * --force-conflicts takes the field over; managedFields follow.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl } from '../harness/kubectl.js';

const manifest = (name: string, replicas: number, image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: web, image: "${image}", env: [{name: A, value: "1"}]}]
`;

for (const minor of [33, 35]) {
  const bin = findKubectl(minor);
  describe(`kubectl 1.${minor} server-side apply`, { skip: bin.path ? false : `kubectl 1.${minor} unavailable: ${bin.reason}` }, () => {
    let server: RunningServer;
    let k: Kubectl;
    const dir = mkdtempSync(join(tmpdir(), 'ssa-'));
    const f = join(dir, 'd.yaml');
    before(async () => {
      server = await startServer({ args: ['--controllers', 'namespace,garbagecollector'] });
      k = new Kubectl(bin.path!, server.kubeconfig);
    });
    after(async () => { await server?.stop(); });

    type Managed = { manager: string; operation: string; subresource?: string; fieldsV1: Record<string, unknown> }[];
    const managed = (): Managed =>
      (JSON.parse(k.ok(['get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: Managed } }).metadata.managedFields;

    test('apply creates, then updates; the applier owns what it sent', () => {
      writeFileSync(f, manifest('ssa', 2, 'nginx:1.27'));
      assert.match(k.ok(['apply', '--server-side', '-f', f]), /deployment.apps\/ssa serverside-applied/);
      const mf = managed();
      assert.equal(mf.length, 1);
      assert.equal(mf[0].manager, 'kubectl');
      assert.equal(mf[0].operation, 'Apply');
      const spec = mf[0].fieldsV1['f:spec'] as Record<string, unknown>;
      assert.deepEqual(spec['f:replicas'], {});
      writeFileSync(f, manifest('ssa', 2, 'nginx:1.28'));
      k.ok(['apply', '--server-side', '-f', f]);
      assert.equal(k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.28');
    });

    test('a field owned by another manager is a conflict; --force-conflicts takes it', () => {
      k.ok(['scale', 'deploy', 'ssa', '--replicas=5']);
      writeFileSync(f, manifest('ssa', 3, 'nginx:1.28'));
      const r = k.run(['apply', '--server-side', '-f', f]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl[^"]*" with subresource "scale" using apps\/v1: \.spec\.replicas/);
      assert.equal(k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '5');
      k.ok(['apply', '--server-side', '--force-conflicts', '-f', f]);
      assert.equal(k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '3');
      const scaleEntry = managed().find((m) => m.subresource === 'scale');
      assert.ok(!scaleEntry || !(scaleEntry.fieldsV1['f:spec'] as Record<string, unknown> | undefined)?.['f:replicas'], 'the scale manager lost .spec.replicas');
    });

    test('a field the applier stops sending is removed', () => {
      writeFileSync(f, manifest('ssa', 3, 'nginx:1.28').replace(', env: [{name: A, value: "1"}]', ''));
      k.ok(['apply', '--server-side', '-f', f]);
      assert.equal(k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.template.spec.containers[0].env}']), '');
    });

    test('diff shows a pending change and changes nothing', () => {
      writeFileSync(f, manifest('ssa', 4, 'nginx:1.28').replace(', env: [{name: A, value: "1"}]', ''));
      for (const args of [['diff', '--server-side', '-f', f], ['diff', '-f', f]]) {
        const r = k.run(args);
        assert.equal(r.status, 1, `kubectl ${args.join(' ')} exits 1 when there is a difference: ${r.stderr}`);
        assert.match(r.stdout, /^-  replicas: 3$/m);
        assert.match(r.stdout, /^\+  replicas: 4$/m);
      }
      assert.equal(k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '3');
    });

    test('client-side apply users can move to server-side apply', () => {
      writeFileSync(f, manifest('csa', 1, 'nginx:1.27'));
      k.ok(['apply', '-f', f]);
      writeFileSync(f, manifest('csa', 2, 'nginx:1.27'));
      assert.match(k.ok(['apply', '--server-side', '-f', f]), /serverside-applied/);
      assert.equal(k.ok(['get', 'deploy', 'csa', '-o', 'jsonpath={.spec.replicas}']), '2');
    });
  });
}
