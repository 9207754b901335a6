import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  JOIN_TOKEN_USER, caHash, ensureTokenFile, formatJoinToken, joinSecretOf, joinTokenAuthenticator, parseJoinToken,
} from '../../src/apiserver/authn/index.js';
import { issueCertificate, issueKubeletClientCertificate } from '../../src/apiserver/pki/index.js';

const CA = issueCertificate({ commonName: 'k8ts-ca', validityDays: 1, isCA: true });
const OTHER_CA = issueCertificate({ commonName: 'k8ts-ca', validityDays: 1, isCA: true });

test('a token is K10<sha256 hex of the CA PEM>::server:<secret>, and parses back', () => {
  const token = formatJoinToken(CA.certPem, 'abc123');
  const hash = createHash('sha256').update(CA.certPem).digest('hex');
  assert.equal(token, `K10${hash}::server:abc123`);
  assert.deepEqual(parseJoinToken(token), { caHash: hash, credentials: 'server:abc123' });
  assert.deepEqual(parseJoinToken(`  ${token}\n`), { caHash: hash, credentials: 'server:abc123' }, 'a token file\'s newline');
  assert.equal(joinSecretOf(token), 'abc123');
});

test('a bare secret or server:<secret> is a token without a CA hash, as in k3s', () => {
  assert.deepEqual(parseJoinToken('s3cret'), { credentials: 'server:s3cret' });
  assert.deepEqual(parseJoinToken('server:s3cret'), { credentials: 'server:s3cret' });
});

test('malformed tokens are refused with a message that does not quote them', () => {
  for (const bad of ['', '   ', 'K10abc::server:x', `K10${'0'.repeat(64)}::server:`, `K10${'0'.repeat(64)}::node:x`, 'admin:x']) {
    assert.throws(() => parseJoinToken(bad), (e: Error) => /join token is (empty|malformed)/.test(e.message) && (bad.trim() === '' || !e.message.includes(bad.trim())), bad);
  }
});

test('the CA hash tells two CAs apart', () => {
  assert.equal(parseJoinToken(formatJoinToken(CA.certPem, 'x')).caHash, caHash(CA.certPem));
  assert.notEqual(caHash(CA.certPem), caHash(OTHER_CA.certPem));
});

test('the authenticator takes the full token or its server:<secret> part as a bearer token, nothing else', () => {
  const token = formatJoinToken(CA.certPem, 'f00d');
  const authn = joinTokenAuthenticator(token);
  const req = (authorization?: string): IncomingMessage => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
  assert.deepEqual(authn(req(`Bearer ${token}`)), JOIN_TOKEN_USER);
  assert.deepEqual(authn(req('Bearer server:f00d')), JOIN_TOKEN_USER);
  assert.deepEqual(authn(req('bearer server:f00d')), JOIN_TOKEN_USER, 'the scheme is case-insensitive');
  for (const bad of [undefined, '', 'Bearer', 'Bearer f00d', 'Bearer server:f00e', 'Bearer server:f00d0', `Bearer ${formatJoinToken(OTHER_CA.certPem, 'f00d')}`, 'Basic c2VydmVyOmYwMGQ=']) {
    assert.equal(authn(req(bad)), undefined, String(bad));
  }
  assert.ok(JOIN_TOKEN_USER.groups.includes('system:authenticated'));
});

test('<data-dir>/token: written once with mode 0600, kept across restarts, set by --token, follows a new CA', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-token-'));
  try {
    const first = await ensureTokenFile(dir, CA.certPem);
    assert.match(first.token, /^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/);
    assert.equal((await readFile(join(dir, 'token'), 'utf8')).trim(), first.token);
    assert.equal((await stat(join(dir, 'token'))).mode & 0o777, 0o600);
    assert.equal((await ensureTokenFile(dir, CA.certPem)).token, first.token, 'kept');
    const moved = await ensureTokenFile(dir, OTHER_CA.certPem);
    assert.equal(joinSecretOf(moved.token), joinSecretOf(first.token), 'the secret stays');
    assert.equal(parseJoinToken(moved.token).caHash, caHash(OTHER_CA.certPem), 'the hash follows the CA');
    const set = await ensureTokenFile(dir, CA.certPem, 'mysecret');
    assert.equal(set.token, formatJoinToken(CA.certPem, 'mysecret'));
    assert.equal((await readFile(join(dir, 'token'), 'utf8')).trim(), set.token);
    await assert.rejects(ensureTokenFile(dir, CA.certPem, 'has space'), /invalid --token/);
    await writeFile(join(dir, 'token'), 'garbage::\n');
    assert.match((await ensureTokenFile(dir, CA.certPem)).token, /^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/, 'an unreadable token is replaced');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a kubelet client certificate is CN=system:node:<node>, O=system:nodes, clientAuth, signed by the CA', () => {
  const pem = issueKubeletClientCertificate(CA, 'node-1.example');
  const cert = new X509Certificate(pem.certPem);
  assert.deepEqual(cert.subject.split('\n').sort(), ['CN=system:node:node-1.example', 'O=system:nodes']);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.ok(cert.verify(new X509Certificate(CA.certPem).publicKey));
  assert.ok(cert.checkPrivateKey(createPrivateKey(pem.keyPem)));
  for (const bad of ['', 'Node_1', '-x', 'a'.repeat(254), 'a/b']) assert.throws(() => issueKubeletClientCertificate(CA, bad), /invalid node name/);
});
