/**
 * Kubeconfig loading: embedded data, file paths relative to the file,
 * tokens, insecure-skip-tls-verify, context selection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadKubeconfig, parseKubeconfig } from '../../src/client/kubeconfig.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('embedded *-data of the current context', () => {
  const text = stringify({
    clusters: [{ name: 'c', cluster: { server: 'https://h:6443/', 'certificate-authority-data': b64('CA') } }],
    users: [{ name: 'u', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
  const c = parseKubeconfig(text);
  assert.equal(c.server, 'https://h:6443');
  assert.equal(c.ca?.toString(), 'CA');
  assert.equal(c.cert?.toString(), 'CERT');
  assert.equal(c.key?.toString(), 'KEY');
  assert.equal(c.token, undefined);
});

test('file paths resolve against the kubeconfig directory; token and insecure; named context', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), 'CAFILE');
    writeFileSync(join(dir, 'tok'), 'filetoken\n');
    writeFileSync(join(dir, 'config'), stringify({
      clusters: [
        { name: 'a', cluster: { server: 'https://a', 'certificate-authority': 'ca.pem' } },
        { name: 'b', cluster: { server: 'https://b', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'ua', user: { token: 'abc' } }, { name: 'ub', user: { tokenFile: join(dir, 'tok') } }],
      contexts: [{ name: 'ca', context: { cluster: 'a', user: 'ua' } }, { name: 'cb', context: { cluster: 'b', user: 'ub' } }],
      'current-context': 'ca',
    }));
    const a = loadKubeconfig(join(dir, 'config'));
    assert.equal(a.ca?.toString(), 'CAFILE');
    assert.equal(a.token, 'abc');
    assert.equal(a.insecureSkipTLSVerify, undefined);
    const b = loadKubeconfig(join(dir, 'config'), { context: 'cb' });
    assert.equal(b.server, 'https://b');
    assert.equal(b.insecureSkipTLSVerify, true);
    assert.equal(b.token, 'filetoken');
    assert.throws(() => loadKubeconfig(join(dir, 'config'), { context: 'nope' }), /context "nope" not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
