import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { writeKubeconfig } from '../../src/apiserver/pki/index.js';

test('writeKubeconfig writes embedded base64 credentials, mode 0600, creating parents, replacing atomically', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'a', 'b', 'kubeconfig');
  await writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' });

  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  assert.deepEqual(parse(await readFile(path, 'utf8')), {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'default', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA') } }],
    users: [{ name: 'default', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }],
    contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
    'current-context': 'default',
    preferences: {},
  });

  await writeKubeconfig(path, {
    server: 'https://h:1', caPem: 'CA2', certPem: 'C2', keyPem: 'K2', clusterName: 'k8ts', user: 'admin', context: 'k8ts-admin',
  });
  const second = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  assert.equal(second['current-context'], 'k8ts-admin');
  assert.deepEqual(second['contexts'], [{ name: 'k8ts-admin', context: { cluster: 'k8ts', user: 'admin' } }]);
  assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['kubeconfig'], 'no temporary files left behind');
});
