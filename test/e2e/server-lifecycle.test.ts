/**
 * The `k8ts server` process as an operator sees it: clean shutdown on
 * SIGTERM, state and certificates kept across restarts, the kubeconfig
 * flags, and `k8ts version` (kill -9: kill-9-durability.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';
import { REPO_ROOT } from '../harness/clients.js';

test('SIGTERM exits 0; a restart keeps objects, CA and kubeconfig', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-life-'));
  const extra = join(dataDir, 'elsewhere', 'admin.yaml');
  try {
    const first = await startServer({ dataDir, args: ['--write-kubeconfig', extra, '--tls-san', 'k8ts.example.test', '--tls-san', '10.1.2.3'] });
    assert.ok(existsSync(extra), '--write-kubeconfig wrote a second copy');
    const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'serving.crt')));
    assert.match(cert.subjectAltName ?? '', /DNS:k8ts\.example\.test/);
    assert.match(cert.subjectAltName ?? '', /IP Address:10\.1\.2\.3/);
    const api = new RawClient(first.kubeconfig);
    assert.equal((await api.json('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'kept' }, data: { a: '1' } })).status, 201);
    api.close();
    const ca = readFileSync(join(dataDir, 'tls', 'server-ca.crt'), 'utf8');
    assert.equal(await first.stop({ keepData: true }), 0);

    const second = await startServer({ dataDir, args: ['--secure-port', String(first.port)] });
    const again = new RawClient(join(dataDir, 'kubeconfig.yaml'));
    const got = await again.json<{ data: { a: string } }>('GET', '/api/v1/namespaces/default/configmaps/kept');
    assert.equal(got.status, 200);
    assert.equal(got.body.data.a, '1');
    const nss = await again.json<{ items: unknown[] }>('GET', '/api/v1/namespaces');
    assert.equal(nss.body.items.length, 4, 'bootstrap does not duplicate namespaces');
    // The old kubeconfig (same CA, same admin certificate) still works.
    const old = new RawClient(extra);
    assert.equal((await old.request('GET', '/api/v1/namespaces/default')).status, 200);
    old.close();
    again.close();
    assert.equal(readFileSync(join(dataDir, 'tls', 'server-ca.crt'), 'utf8'), ca);
    assert.equal(await second.stop({ keepData: true }), 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('k8ts version and --help', () => {
  const bin = join(REPO_ROOT, 'bin', 'k8ts.js');
  assert.match(execFileSync(process.execPath, [bin, 'version'], { encoding: 'utf8' }), /^k8ts \S+ \(Kubernetes v1\.\d+\.\d+\+k8ts\)$/m);
  assert.match(execFileSync(process.execPath, [bin, 'server', '--help'], { encoding: 'utf8' }), /--data-dir DIR/);
  let code = 0;
  let stderr = '';
  try { execFileSync(process.execPath, [bin, 'server', '--datastore', 'nope'], { encoding: 'utf8', stdio: 'pipe' }); } catch (e) {
    ({ status: code, stderr } = e as { status: number; stderr: string });
  }
  assert.equal(code, 2, 'a usage error');
  assert.equal(stderr, `k8ts server: invalid --datastore "nope": want sqlite or memory (see 'k8ts server --help')\n`);
});
