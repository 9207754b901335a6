import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate } from '../../src/apiserver/pki/index.js';
import { ipBytes } from '../../src/apiserver/pki/ip.js';
import { namedBits, oid, time, unsignedInteger } from '../../src/apiserver/pki/der.js';

test('DER encodings of the primitive types', () => {
  assert.equal(oid('1.2.840.10045.4.3.2').toString('hex'), '06082a8648ce3d040302');
  assert.equal(oid('2.5.29.17').toString('hex'), '0603551d11');
  assert.equal(unsignedInteger(Buffer.from([0x80])).toString('hex'), '02020080');
  assert.equal(unsignedInteger(Buffer.from([0, 0, 5])).toString('hex'), '020105');
  assert.equal(namedBits([5, 6]).toString('hex'), '03020106'); // keyCertSign|cRLSign
  assert.equal(namedBits([0]).toString('hex'), '03020780');
  assert.equal(time(new Date('2030-01-02T03:04:05.678Z')).toString('ascii', 2), '300102030405Z');
  assert.equal(time(new Date('2050-01-02T03:04:05Z')).toString('ascii', 2), '20500102030405Z');
});

test('ipBytes parses IPv4, IPv6 and embedded IPv4; names are not IPs', () => {
  assert.equal(ipBytes('10.1.2.3')?.toString('hex'), '0a010203');
  assert.equal(ipBytes('::1')?.toString('hex'), '00000000000000000000000000000001');
  assert.equal(ipBytes('fd00::1:2')?.toString('hex'), 'fd000000000000000000000000010002');
  assert.equal(ipBytes('2001:db8:0:0:1:0:0:1')?.toString('hex'), '20010db8000000000001000000000001');
  assert.equal(ipBytes('::ffff:10.1.2.3')?.toString('hex'), '00000000000000000000ffff0a010203');
  assert.equal(ipBytes('::')?.toString('hex'), '0'.repeat(32));
  assert.equal(ipBytes('localhost'), undefined);
  assert.equal(ipBytes('fe80::1%eth0'), undefined);
});

test('issued certificates parse, and OpenSSL verifies them in strict mode', async (t) => {
  const ca = issueCertificate({ commonName: 'test-ca', validityDays: 30, isCA: true });
  const leaf = issueCertificate({
    commonName: 'node-1', organizations: ['system:nodes', 'extra'], validityDays: 1, extKeyUsages: ['clientAuth', 'serverAuth'],
    sans: ['node-1.local', '192.168.1.10'], issuer: ca,
  });
  const x = new X509Certificate(leaf.certPem);
  assert.equal(x.subject, 'O=system:nodes\nO=extra\nCN=node-1');
  assert.equal(x.issuer, 'CN=test-ca');
  assert.ok(x.verify(new X509Certificate(ca.certPem).publicKey));
  assert.equal(x.subjectAltName, 'DNS:node-1.local, IP Address:192.168.1.10');
  assert.ok(x.checkPrivateKey((await import('node:crypto')).createPrivateKey(leaf.keyPem)));
  assert.throws(() => issueCertificate({ commonName: 'x', validityDays: 1, sans: ['bad name'] }), /"bad name"/);

  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl not on PATH');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cert-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'ca.crt'), ca.certPem);
  await writeFile(join(dir, 'leaf.crt'), leaf.certPem);
  const out = execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', join(dir, 'ca.crt'), join(dir, 'leaf.crt')]);
  assert.match(out.toString(), /leaf\.crt: OK/);
});
