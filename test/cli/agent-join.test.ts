/**
 * Joining a k8ts server as k3s agents join: the server's token file and
 * /cacerts, the client certificate endpoint, and the agent's side (CA hash
 * check, token refusal, credentials under <data-dir>/agent), against a real
 * control-plane-only `k8ts server` process. No root needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/api/log.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { caHash, formatJoinToken } from '../../src/apiserver/authn/index.js';
import { joinCluster, requestServingCertificate } from '../../src/cli/agent-join.js';
import { REPO_ROOT } from '../harness/clients.js';
import { startServer } from '../harness/server.js';

interface Reply { status: number; body: string }

function call(port: number, path: string, o: { method?: string; ca?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers ?? {}, agent: false,
      ...(o.ca ? { ca: o.ca } : { rejectUnauthorized: false }),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

test('a node joins a k8ts server with its token', { timeout: 60_000 }, async (t) => {
  const server = await startServer({ args: ['--token', 'j01nme'] });
  const agentDir = mkdtempSync(join(tmpdir(), 'k8ts-join-'));
  const log = createLogger('agent', { level: 'silent' });
  try {
    const caPem = readFileSync(join(server.dataDir, 'tls', 'server-ca.crt'), 'utf8');
    const token = readFileSync(join(server.dataDir, 'token'), 'utf8').trim();

    await t.test('the server writes <data-dir>/token (0600) with its CA hash and the --token secret', () => {
      assert.equal(token, formatJoinToken(caPem, 'j01nme'));
      assert.equal(statSync(join(server.dataDir, 'token')).mode & 0o777, 0o600);
      assert.ok(!server.logs().includes('j01nme'), 'the token is not logged');
    });

    await t.test('GET /cacerts serves the CA to anyone', async () => {
      const r = await call(server.port, '/cacerts');
      assert.equal(r.status, 200);
      assert.equal(r.body, caPem);
      assert.equal((await call(server.port, '/cacerts', { method: 'POST' })).status, 405);
    });

    await t.test('the certificate endpoint wants the token and a valid node name', async () => {
      const path = '/v1-k8ts/client-kubelet.crt';
      assert.equal((await call(server.port, path, { method: 'POST', ca: caPem, headers: { 'k8ts-node-name': 'n' } })).status, 401);
      assert.equal((await call(server.port, path, { method: 'POST', ca: caPem, headers: { authorization: 'Bearer server:wrong', 'k8ts-node-name': 'n' } })).status, 401);
      assert.equal((await call(server.port, path, { method: 'POST', ca: caPem, headers: { authorization: 'Bearer server:j01nme', 'k8ts-node-name': 'Bad_Name' } })).status, 400);
      assert.equal((await call(server.port, path, { method: 'GET', ca: caPem, headers: { authorization: 'Bearer server:j01nme' } })).status, 405);
      const ok = await call(server.port, path, { method: 'POST', ca: caPem, headers: { authorization: `Bearer ${token}`, 'k8ts-node-name': 'n' } });
      assert.equal(ok.status, 200);
      assert.match(ok.body, /-----BEGIN CERTIFICATE-----[\s\S]+-----BEGIN PRIVATE KEY-----/);
    });

    await t.test('joinCluster checks the CA, gets a node certificate, keeps it under <data-dir>/agent, and it works', async () => {
      const conn = await joinCluster({ server: `https://127.0.0.1:${server.port}`, token, nodeName: 'joiner', dataDir: agentDir, log });
      const cert = new X509Certificate(readFileSync(join(agentDir, 'agent', 'client-kubelet.crt')));
      assert.deepEqual(cert.subject.split('\n').sort(), ['CN=system:node:joiner', 'O=system:nodes']);
      assert.ok(cert.checkIssued(new X509Certificate(caPem)));
      assert.equal(statSync(join(agentDir, 'agent', 'client-kubelet.key')).mode & 0o777, 0o600);
      assert.equal(readFileSync(join(agentDir, 'agent', 'server-ca.crt'), 'utf8'), caPem);
      const client = new RestClient(conn);
      try {
        const nodes = await client.list(RESOURCES.nodes);
        assert.ok(Array.isArray(nodes.items));
      } finally {
        client.close();
      }
    });

    await t.test('the serving certificate endpoint signs the kubelet\'s serving certificate for its name and IPs', async () => {
      const path = '/v1-k8ts/serving-kubelet.crt';
      const auth = { authorization: `Bearer ${token}`, 'k8ts-node-name': 'joiner' };
      assert.equal((await call(server.port, path, { method: 'POST', ca: caPem, headers: { 'k8ts-node-name': 'joiner' } })).status, 401);
      assert.equal((await call(server.port, path, { method: 'POST', ca: caPem, headers: { ...auth, 'k8ts-node-ip': '10.0.0.7,not-an-ip' } })).status, 400);
      const pem = await requestServingCertificate({ server: `https://127.0.0.1:${server.port}`, token, caPem, nodeName: 'joiner', nodeIPs: ['10.0.0.7', 'fd00::7'] });
      const cert = new X509Certificate(pem.certPem);
      assert.ok(cert.checkIssued(new X509Certificate(caPem)));
      assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']); // serverAuth
      assert.equal(cert.subjectAltName, 'DNS:joiner, IP Address:10.0.0.7, IP Address:FD00:0:0:0:0:0:0:7');
      assert.ok(cert.checkPrivateKey(createPrivateKey(pem.keyPem)));
    });

    await t.test('a token for another CA is refused before anything is sent', async () => {
      const other = formatJoinToken('another CA', 'j01nme');
      await assert.rejects(joinCluster({ server: `https://127.0.0.1:${server.port}`, token: other, nodeName: 'x', dataDir: agentDir, log }),
        (e: Error) => e.message.includes(`(sha256 ${caHash(caPem)}) does not match the join token's CA hash`));
    });

    await t.test('a wrong secret is refused: k8ts agent exits 1 with one clear line that does not show the token', () => {
      const wrong = formatJoinToken(caPem, 'n0tit');
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'agent', '--server', `https://127.0.0.1:${server.port}`,
        '--token', wrong, '--data-dir', agentDir, '--node-name', 'x'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, K8TS_LOG_LEVEL: 'info' } });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /refused the join token \(401 Unauthorized\): wrong --token/);
      assert.ok(!r.stderr.includes('n0tit'), r.stderr);
    });

    await t.test('K8TS_URL and K8TS_TOKEN_FILE work as the flags do', () => {
      const file = join(agentDir, 'wrong-token');
      writeFileSync(file, `${formatJoinToken(caPem, 'n0tit')}\n`);
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'agent', '--data-dir', agentDir, '--node-name', 'x'], {
        encoding: 'utf8', timeout: 30_000, env: { ...process.env, K8TS_URL: `https://127.0.0.1:${server.port}`, K8TS_TOKEN: '', K8TS_TOKEN_FILE: file },
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /refused the join token \(401 Unauthorized\)/);
    });

    await t.test('usage: --token without --server, --server without a token, not https', () => {
      const k8ts = (args: string[]): { status: number | null; stderr: string } =>
        spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'agent', ...args], { encoding: 'utf8', env: { ...process.env, K8TS_TOKEN: '', K8TS_URL: '' } });
      assert.match(k8ts(['--token', 'x']).stderr, /--token needs --server/);
      assert.equal(k8ts(['--server', 'https://127.0.0.1:1']).status, 2);
      const plain = k8ts(['--server', 'http://127.0.0.1:1', '--token', 'x', '--data-dir', agentDir]);
      assert.equal(plain.status, 2);
      assert.match(plain.stderr, /^k8ts agent: invalid --server "http:\/\/127\.0\.0\.1:1": want https:\/\/HOST:PORT/);
    });
  } finally {
    await server.stop();
    rmSync(agentDir, { recursive: true, force: true });
  }
});
