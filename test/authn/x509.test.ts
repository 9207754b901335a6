import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticateRequest } from '../../src/apiserver/authn/index.js';
import { findKubectl } from '../harness/clients.js';
import { ensurePki, issueCertificate, writeKubeconfig, type Pki } from '../../src/apiserver/pki/index.js';

interface Reply { status: number; body: string }

/** An HTTPS server set up as the API server is: answers the user as JSON, or 401. */
async function startServer(pki: Pki): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer({
    cert: pki.serving.certPem, key: pki.serving.keyPem, ca: [pki.ca.certPem], requestCert: true, rejectUnauthorized: false,
  }, (req, res) => {
    const user = authenticateRequest(req);
    if (!user) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401,"reason":"Unauthorized"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(user));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `https://127.0.0.1:${port}`, port };
}

function get(port: number, opts: { ca: string; cert?: string; key?: string; servername?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/whoami', agent: false, ...opts }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

test('x509 authentication end to end: node client, no cert, wrong certs, real kubectl', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-authn-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pki = await ensurePki(dir, { sans: [] });
  const { server, url, port } = await startServer(pki);
  t.after(() => { server.closeAllConnections(); server.close(); });

  await t.test('admin client certificate: 200 as admin in system:masters', async () => {
    const r = await get(port, { ca: pki.ca.certPem, cert: pki.adminClient.certPem, key: pki.adminClient.keyPem });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
  });

  await t.test('server name "kubernetes.default.svc" verifies too (in-cluster clients)', async () => {
    const r = await get(port, { ca: pki.ca.certPem, servername: 'kubernetes.default.svc', cert: pki.adminClient.certPem, key: pki.adminClient.keyPem });
    assert.equal(r.status, 200);
  });

  await t.test('no client certificate: 401', async () => {
    const r = await get(port, { ca: pki.ca.certPem });
    assert.equal(r.status, 401);
  });

  await t.test('certificate from another CA: 401', async () => {
    const otherCa = issueCertificate({ commonName: 'evil-ca', validityDays: 1, isCA: true });
    const forged = issueCertificate({
      commonName: 'admin', organizations: ['system:masters'], validityDays: 1, extKeyUsages: ['clientAuth'], issuer: otherCa,
    });
    const r = await get(port, { ca: pki.ca.certPem, cert: forged.certPem, key: forged.keyPem });
    assert.equal(r.status, 401);
  });

  await t.test('our CA but serverAuth-only certificate (the serving cert): 401', async () => {
    const r = await get(port, { ca: pki.ca.certPem, cert: pki.serving.certPem, key: pki.serving.keyPem });
    assert.equal(r.status, 401);
  });

  await t.test('a client certificate issued by our CA for another user', async () => {
    const node = issueCertificate({
      commonName: 'system:node:n1', organizations: ['system:nodes'], validityDays: 1, extKeyUsages: ['clientAuth'], issuer: pki.ca,
    });
    const r = await get(port, { ca: pki.ca.certPem, cert: node.certPem, key: node.keyPem });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] });
  });

  await t.test('real kubectl with the written kubeconfig', async (t) => {
    const kubectl = findKubectl(35);
    if (!kubectl.path) {
      console.log(`# skipping kubectl check: ${kubectl.reason}`);
      t.skip(kubectl.reason);
      return;
    }
    const kubeconfig = join(dir, 'home', '.kube', 'config');
    await writeKubeconfig(kubeconfig, {
      server: url, caPem: pki.ca.certPem, certPem: pki.adminClient.certPem, keyPem: pki.adminClient.keyPem,
    });
    const env = { PATH: process.env['PATH'] ?? '', HOME: join(dir, 'home') };
    const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
      const child = execFile(kubectl.path!, ['--kubeconfig', kubeconfig, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
      child.stdin?.end(); // kubectl may prompt for a password when it has no credentials
    });

    const ok = await run(['get', '--raw', '/whoami']);
    assert.equal(ok.code, 0, `kubectl failed: ${ok.stderr}`);
    assert.equal((JSON.parse(ok.stdout) as { name: string }).name, 'admin');

    // Same server through the name "localhost" (a DNS SAN) rather than the IP.
    await writeKubeconfig(kubeconfig, {
      server: `https://localhost:${port}`, caPem: pki.ca.certPem, certPem: pki.adminClient.certPem, keyPem: pki.adminClient.keyPem,
    });
    const byName = await run(['get', '--raw', '/whoami']);
    assert.equal(byName.code, 0, `kubectl via localhost failed: ${byName.stderr}`);

    // A client certificate from another CA: the TLS handshake succeeds (the server does not
    // reject unverified clients) and the request gets 401. (Without any credentials kubectl
    // would prompt for a password instead.)
    const otherCa = issueCertificate({ commonName: 'evil-ca', validityDays: 1, isCA: true });
    const forged = issueCertificate({ commonName: 'admin', validityDays: 1, extKeyUsages: ['clientAuth'], issuer: otherCa });
    await writeKubeconfig(kubeconfig, { server: url, caPem: pki.ca.certPem, certPem: forged.certPem, keyPem: forged.keyPem });
    const forgedRun = await run(['get', '--raw', '/whoami']);
    assert.notEqual(forgedRun.code, 0);
    assert.match(forgedRun.stderr, /asked for the client to provide credentials|Unauthorized/i, `stdout: ${forgedRun.stdout} stderr: ${forgedRun.stderr}`);
  });
});
