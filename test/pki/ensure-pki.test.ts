import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERVING_SANS, ensurePki, issueCertificate } from '../../src/apiserver/pki/index.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('first start creates CA, serving and admin certificates quickly, with the right files and modes', async (t) => {
  const dir = await tempDir(t);
  const start = performance.now();
  const pki = await ensurePki(dir, { sans: ['10.96.0.1'] });
  const ms = performance.now() - start;
  t.diagnostic(`first ensurePki: ${ms.toFixed(1)} ms`);
  assert.ok(ms < 1000, `first start took ${ms} ms`); // target 300 ms; slack for loaded CI machines

  assert.deepEqual(pki.generated, { ca: true, serving: true, adminClient: true, kubeletClient: true });
  assert.equal(pki.dir, join(dir, 'tls'));
  for (const [name, files] of [['server-ca', pki.ca], ['serving', pki.serving], ['client-admin', pki.adminClient], ['client-kube-apiserver', pki.kubeletClient]] as const) {
    assert.equal(files.certPath, join(dir, 'tls', `${name}.crt`));
    assert.equal(files.keyPath, join(dir, 'tls', `${name}.key`));
    assert.equal(await readFile(files.certPath, 'utf8'), files.certPem);
    assert.equal(await readFile(files.keyPath, 'utf8'), files.keyPem);
    assert.equal((await stat(files.keyPath)).mode & 0o777, 0o600, `${name}.key mode`);
  }
  assert.equal((await stat(pki.dir)).mode & 0o777, 0o700);

  const ca = new X509Certificate(pki.ca.certPem);
  assert.equal(ca.ca, true);
  assert.equal(ca.subject, ca.issuer);
  assert.ok(ca.verify(ca.publicKey), 'CA is self-signed');
  const caYears = (Date.parse(ca.validTo) - Date.now()) / (365 * 24 * 3600 * 1000);
  assert.ok(caYears > 9.9, `CA valid for ${caYears} years`);
  assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

  const admin = new X509Certificate(pki.adminClient.certPem);
  assert.ok(admin.verify(ca.publicKey));
  assert.equal(admin.ca, false);
  assert.equal(admin.subject, 'O=system:masters\nCN=admin');
  assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']); // clientAuth

  const kubeletClient = new X509Certificate(pki.kubeletClient.certPem);
  assert.ok(kubeletClient.verify(ca.publicKey));
  assert.equal(kubeletClient.subject, 'O=system:masters\nCN=kube-apiserver-kubelet-client');
  assert.deepEqual(kubeletClient.keyUsage, ['1.3.6.1.5.5.7.3.2']);
});

test('serving certificate carries every SAN, serverAuth, and verifies against the CA', async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(dir, { sans: ['10.0.0.5', 'API.Example.com', 'fd00::10'] });
  const ca = new X509Certificate(pki.ca.certPem);
  const serving = new X509Certificate(pki.serving.certPem);

  assert.ok(serving.verify(ca.publicKey), 'signed by the CA');
  assert.ok(serving.checkIssued(ca));
  assert.equal(serving.ca, false);
  assert.deepEqual(serving.keyUsage, ['1.3.6.1.5.5.7.3.1']); // serverAuth
  const days = (Date.parse(serving.validTo) - Date.now()) / (24 * 3600 * 1000);
  assert.ok(days >= 364, `serving cert valid for ${days} days`);

  const san = serving.subjectAltName ?? '';
  for (const name of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local', 'api.example.com', hostname().toLowerCase()]) {
    assert.ok(san.split(', ').includes(`DNS:${name}`), `DNS:${name} in ${san}`);
  }
  for (const ip of ['127.0.0.1', '::1', '10.0.0.5', 'fd00::10']) {
    assert.equal(serving.checkIP(ip), ip, `IP ${ip} in ${san}`);
  }
  assert.ok(san.includes('IP Address:127.0.0.1'));
  assert.ok(!san.includes('DNS:127.0.0.1'), 'IPs are IP SANs, not DNS SANs');
  for (const d of DEFAULT_SERVING_SANS) assert.ok(pki.servingSans.includes(d));
});

test('later starts reuse everything; a new SAN reissues only the serving certificate', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { sans: ['10.0.0.5'] });

  const start = performance.now();
  const second = await ensurePki(dir, { sans: ['10.0.0.5'] });
  t.diagnostic(`warm ensurePki: ${(performance.now() - start).toFixed(1)} ms`);
  assert.deepEqual(second.generated, { ca: false, serving: false, adminClient: false, kubeletClient: false });
  assert.equal(second.ca.certPem, first.ca.certPem);
  assert.equal(second.serving.certPem, first.serving.certPem);
  assert.equal(second.adminClient.certPem, first.adminClient.certPem);

  // A subset of the SANs already covered (equivalent IPv6 spelling too) reuses.
  const subset = await ensurePki(dir, { sans: [] });
  assert.equal(subset.generated.serving, false);

  const third = await ensurePki(dir, { sans: ['10.0.0.5', 'new.example.com'] });
  assert.deepEqual(third.generated, { ca: false, serving: true, adminClient: false, kubeletClient: false });
  assert.equal(third.ca.certPem, first.ca.certPem);
  assert.equal(third.ca.keyPem, first.ca.keyPem);
  assert.equal(third.adminClient.certPem, first.adminClient.certPem);
  assert.notEqual(third.serving.certPem, first.serving.certPem);
  const serving = new X509Certificate(third.serving.certPem);
  assert.ok(serving.checkHost('new.example.com'));
  assert.ok(serving.verify(new X509Certificate(third.ca.certPem).publicKey));
  assert.equal(await readFile(third.serving.certPath, 'utf8'), third.serving.certPem);
});

test('a serving certificate expiring within 30 days, or with a mismatched key, is reissued', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { sans: [] });

  const shortLived = issueCertificate({
    commonName: 'kube-apiserver', validityDays: 10, extKeyUsages: ['serverAuth'], sans: first.servingSans, issuer: first.ca,
  });
  await writeFile(first.serving.certPath, shortLived.certPem);
  await writeFile(first.serving.keyPath, shortLived.keyPem);
  const renewed = await ensurePki(dir, { sans: [] });
  assert.deepEqual(renewed.generated, { ca: false, serving: true, adminClient: false, kubeletClient: false });
  const days = (Date.parse(new X509Certificate(renewed.serving.certPem).validTo) - Date.now()) / 86_400_000;
  assert.ok(days > 300);

  await writeFile(renewed.serving.keyPath, first.adminClient.keyPem); // a valid key, but not this cert's
  const fixed = await ensurePki(dir, { sans: [] });
  assert.equal(fixed.generated.serving, true);
});

test('a serving certificate from another CA is reissued; a lost CA reissues everything', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { sans: [] });
  const otherCa = issueCertificate({ commonName: 'k8ts-ca', validityDays: 10, isCA: true });
  const foreign = issueCertificate({
    commonName: 'kube-apiserver', validityDays: 365, extKeyUsages: ['serverAuth'], sans: first.servingSans, issuer: otherCa,
  });
  await writeFile(first.serving.certPath, foreign.certPem);
  await writeFile(first.serving.keyPath, foreign.keyPem);
  const second = await ensurePki(dir, { sans: [] });
  assert.deepEqual(second.generated, { ca: false, serving: true, adminClient: false, kubeletClient: false });

  await rm(first.ca.keyPath);
  const third = await ensurePki(dir, { sans: [] });
  assert.deepEqual(third.generated, { ca: true, serving: true, adminClient: true, kubeletClient: true });
  assert.notEqual(third.ca.certPem, first.ca.certPem);
  assert.ok(new X509Certificate(third.adminClient.certPem).verify(new X509Certificate(third.ca.certPem).publicKey));
});

test('an invalid SAN is rejected with its value in the message', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(ensurePki(dir, { sans: ['not a name'] }), /invalid serving SAN "not a name"/);
});
