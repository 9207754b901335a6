/**
 * The kubelet's exec, attach and portForward routes against an in-memory CRI
 * whose streaming URLs point at a small upgrade server of the test's: the
 * client's upgrade is relayed there with the CRI's path, the 101 and the
 * bytes after it come back, and a client that goes frees the session; each
 * refusal comes with upstream's status and text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:tls';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { issueCertificate } from '../../../src/api/x509/certificate.js';
import { KubeletMetrics, KubeletServer, StatsProvider, ensureServingCertificate } from '../../../src/kubelet/server/index.js';
import { matchStreamingRoute, portsOf, streamOptions } from '../../../src/kubelet/server/streaming.js';
import { GrpcError } from '../../../src/kubelet/grpc/errors.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';
import { rawRequest, type Answer } from './raw-request.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SPDY = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('streaming routes: paths, stream options and ports as upstream reads them', () => {
  assert.deepEqual(matchStreamingRoute('/exec/ns/p/c'), { kind: 'exec', namespace: 'ns', pod: 'p', uid: '', container: 'c' });
  assert.deepEqual(matchStreamingRoute('/attach/ns/p/u1/c'), { kind: 'attach', namespace: 'ns', pod: 'p', uid: 'u1', container: 'c' });
  assert.deepEqual(matchStreamingRoute('/portForward/ns/p'), { kind: 'portForward', namespace: 'ns', pod: 'p', uid: '', container: '' });
  assert.deepEqual(matchStreamingRoute('/portForward/ns/p/u1'), { kind: 'portForward', namespace: 'ns', pod: 'p', uid: 'u1', container: '' });
  for (const p of ['/exec/ns/p', '/exec/ns/p/u/c/x', '/portforward/ns/p', '/portForward/ns', '/exec/ns//c', '/exec/%E0%A4%A/p/c']) assert.equal(matchStreamingRoute(p), undefined, p);

  assert.deepEqual(streamOptions(new URLSearchParams('input=1&output=1&error=1')), { stdin: true, stdout: true, stderr: true, tty: false });
  assert.deepEqual(streamOptions(new URLSearchParams('output=1&error=1&tty=1')), { stdin: false, stdout: true, stderr: false, tty: true }, 'no stderr under a tty');
  assert.equal(streamOptions(new URLSearchParams('input=true&output=true')), 'you must specify at least 1 of stdin, stdout, stderr', 'only "1" is true');
  assert.deepEqual(portsOf(new URLSearchParams('port=80,8080&port=9090')), [80, 8080, 9090]);
  assert.deepEqual(portsOf(new URLSearchParams('')), []);
  assert.equal(portsOf(new URLSearchParams('port=0')), 'port "0" must be > 0');
  assert.equal(portsOf(new URLSearchParams('port=70000')), 'unable to parse "70000" as a port');
  assert.equal(portsOf(new URLSearchParams('port=')), 'query parameter "port" cannot be empty');
});

test('streaming routes: upgrades relayed to the runtime\'s URL, refusals, a session freed when the client goes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-streaming-'));
  // The runtime's streaming server: answers 101 and echoes, noting what it was asked.
  const seen: Array<{ method: string; url: string; version: string }> = [];
  const backendSockets: Socket[] = [];
  const backend = createServer((_req, res) => { res.writeHead(404).end(); });
  let backendDelayMs = 0;
  backend.on('upgrade', async (req: IncomingMessage, socket: Socket) => {
    await new Promise((r) => setTimeout(r, backendDelayMs));
    seen.push({ method: req.method ?? '', url: req.url ?? '', version: String(req.headers['x-stream-protocol-version'] ?? '') });
    backendSockets.push(socket);
    socket.on('end', () => socket.end());
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));

  const cri = new FakeCri();
  cri.streamingBase = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const labels = { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'u1' };
  const sb = await cri.runPodSandbox({ metadata: { name: 'web', namespace: 'default', uid: 'u1' }, labels });
  const dead = await cri.createContainer(sb, { metadata: { name: 'app', attempt: 0 }, image: { image: 'img' }, labels: { ...labels, 'io.kubernetes.container.name': 'app' } });
  cri.exit(dead, 1);
  const app = await cri.createContainer(sb, { metadata: { name: 'app', attempt: 1 }, image: { image: 'img' }, labels: { ...labels, 'io.kubernetes.container.name': 'app' } });
  await cri.startContainer(app);
  const stopped = await cri.createContainer(sb, { metadata: { name: 'done', attempt: 0 }, image: { image: 'img' }, labels: { ...labels, 'io.kubernetes.container.name': 'done' } });
  cri.exit(stopped, 0);

  const serving = await ensureServingCertificate({ certPath: join(dir, 'kubelet.crt'), keyPath: join(dir, 'kubelet.key'), hostname: 'n1', sans: ['localhost', '127.0.0.1'] });
  const ca = issueCertificate({ commonName: 'test-ca', validityDays: 1, isCA: true });
  const client = issueCertificate({ commonName: 'apiserver', validityDays: 1, extKeyUsages: ['clientAuth'], issuer: ca });
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'img', stdin: true, tty: true }, { name: 'done', image: 'img' }] } };
  const metrics = new KubeletMetrics('n1', cri, { processMetrics: false });
  const stats = new StatsProvider({ nodeName: 'n1', runtime: cri, images: cri, rootDir: dir, podLogsDir: dir });
  const server = new KubeletServer({ port: 0, address: '127.0.0.1', certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem, pods: () => [pod], metrics, stats, runtime: cri });
  const port = await server.start();
  const ask = (method: string, path: string, headers: Record<string, string> = SPDY, cert: typeof client | undefined = client): Promise<Answer> =>
    rawRequest('127.0.0.1', port, serving.certPem, 'localhost', method, path, headers, cert);
  try {
    await t.test('exec: 101 from the runtime, bytes both ways, the CRI asked with the streams of the query', async () => {
      const a = await ask('POST', '/exec/default/web/app?command=sh&command=-c&command=echo%20hi&input=1&output=1&error=1');
      assert.equal(a.status, 101, a.head);
      assert.match(a.head, /^X-Stream-Protocol-Version: v4\.channel\.k8s\.io$/m);
      assert.ok(cri.calls.includes(`exec ${app} sh -c echo hi stdin,stdout,stderr`), cri.calls.join('\n'));
      assert.equal(seen.at(-1)!.method, 'POST');
      assert.equal(seen.at(-1)!.version, 'v4.channel.k8s.io', 'the client\'s headers go along');
      assert.match(seen.at(-1)!.url, /^\/exec\/t\d+$/, 'the CRI URL\'s path, not the client\'s');
      const echoed = new Promise<string>((resolve) => a.socket.once('data', (d: Buffer) => resolve(d.toString())));
      a.socket.write('ping');
      assert.equal(await echoed, 'echo:ping');
      assert.equal(server.streamingSessions, 1);
      assert.match(await metrics.text(), /^kubelet_http_inflight_requests\{method="POST",path="exec",server_type="readwrite",long_running="true"\} 1$/m);
      a.socket.destroy();
      await until(() => server.streamingSessions === 0, 'the session to end');
      await until(() => backendSockets.at(-1)!.closed, 'the runtime side closed');
      assert.match(await metrics.text(), /^kubelet_http_inflight_requests\{method="POST",path="exec",server_type="readwrite",long_running="true"\} 0$/m);
    });

    await t.test('attach: stderr dropped under the query\'s tty, the tty itself the container\'s; portForward takes the ready sandbox and the port query', async () => {
      const a = await ask('GET', '/attach/default/web/u1/app?output=1&error=1&tty=1&input=1');
      assert.equal(a.status, 101, a.head);
      assert.ok(cri.calls.includes(`attach ${app} stdin,stdout,tty`), cri.calls.join('\n'));
      a.socket.destroy();
      const specTty = await ask('POST', '/attach/default/web/app?output=1&input=1');
      assert.equal(specTty.status, 101, specTty.head);
      assert.equal(cri.calls.filter((c) => c.startsWith('attach')).at(-1), `attach ${app} stdin,stdout,tty`, 'the tty is the container\'s, not the query\'s');
      specTty.socket.destroy();
      const p = await ask('POST', '/portForward/default/web?port=8080,9090', { ...SPDY, 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
      assert.equal(p.status, 101, p.head);
      assert.ok(cri.calls.includes(`portForward ${sb} 8080,9090`), cri.calls.join('\n'));
      assert.match(seen.at(-1)!.url, /^\/portforward\/t\d+$/);
      p.socket.destroy();
      await until(() => server.streamingSessions === 0, 'both sessions to end');
    });

    await t.test('a client gone before the runtime answered frees the session and the runtime\'s socket', async () => {
      backendDelayMs = 300;
      const before = seen.length;
      const calls = cri.calls.length;
      const sock = connect({ host: '127.0.0.1', port, ca: serving.certPem, servername: 'localhost', cert: client.certPem, key: client.keyPem }, () => {
        sock.write('POST /exec/default/web/app?command=true&output=1 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
      });
      await until(() => cri.calls.length > calls, 'the CRI Exec call');
      sock.destroy();
      await until(() => seen.length > before, 'the runtime to answer');
      await until(() => server.streamingSessions === 0, 'the session to end');
      await until(() => backendSockets.at(-1)!.closed, 'the runtime side closed');
      backendDelayMs = 0;
    });

    await t.test('refusals: status and text as upstream\'s kubelet writes them', async () => {
      const text = async (method: string, path: string, headers?: Record<string, string>): Promise<[number, string]> => {
        const a = await ask(method, path, headers);
        return [a.status, a.body];
      };
      assert.deepEqual(await text('POST', '/exec/default/gone/app?output=1'), [404, 'pod does not exist\n']);
      assert.deepEqual(await text('POST', '/exec/default/web/nope?output=1'), [500, 'container not found ("nope")\n']);
      assert.deepEqual(await text('POST', '/exec/default/web/done?output=1'), [500, 'container not found ("done")\n'], 'not running');
      assert.deepEqual(await text('POST', '/exec/default/web/other-uid/app?output=1'), [500, 'container not found ("app")\n'], 'another pod\'s uid');
      assert.deepEqual(await text('POST', '/exec/default/web/app?command=ls'), [400, 'you must specify at least 1 of stdin, stdout, stderr\n']);
      assert.deepEqual(await text('POST', '/portForward/default/web/other-uid'), [404, 'pod not found\n']);
      assert.deepEqual(await text('POST', '/portForward/default/web?port=0'), [400, 'port "0" must be > 0\n']);
      assert.deepEqual(await text('PUT', '/exec/default/web/app?output=1'), [405, 'Method Not Allowed\n']);
      assert.deepEqual(await text('POST', '/exec/default/web/app?output=1', {}), [500, 'Upgrade request required\n'], 'no upgrade');
      assert.deepEqual(await text('GET', '/attach/default/gone/app?output=1', {}), [404, 'pod does not exist\n'], 'no upgrade, unknown pod');
      const anonymous = await rawRequest('127.0.0.1', port, serving.certPem, 'localhost', 'POST', '/exec/default/web/app?output=1', SPDY);
      assert.deepEqual([anonymous.status, anonymous.body], [401, 'Unauthorized\n']);
      const anonymousPlain = await rawRequest('127.0.0.1', port, serving.certPem, 'localhost', 'POST', '/exec/default/web/app?output=1', {});
      assert.equal(anonymousPlain.status, 401);
      cri.failNext.set('exec', new GrpcError('/runtime.v1.RuntimeService/Exec', 5, 'container "x" in wrong state'));
      assert.deepEqual(await text('POST', '/exec/default/web/app?output=1'), [404, 'container "x" in wrong state\n'], 'gRPC NotFound');
      cri.failNext.set('exec', new GrpcError('/runtime.v1.RuntimeService/Exec', 8, 'maximum number of in-flight requests exceeded'));
      const busy = await ask('POST', '/exec/default/web/app?output=1');
      assert.equal(busy.status, 429);
      assert.match(busy.head, /^Retry-After: 60$/m);
      cri.streamingBase = 'http://127.0.0.1:1';
      const unreachable = await ask('POST', '/exec/default/web/app?output=1');
      assert.equal(unreachable.status, 500);
      assert.match(unreachable.body, /ECONNREFUSED/);
      assert.equal(server.streamingSessions, 0);
      assert.deepEqual(await text('GET', '//', {}), [400, 'Bad Request: invalid URL\n'], 'a URL that does not parse, plain');
      assert.deepEqual(await text('POST', '//[::1', SPDY), [400, 'Bad Request: invalid URL\n'], 'and with an upgrade');
      const health = await ask('GET', '/healthz');
      assert.deepEqual([health.status, health.body], [200, 'ok'], 'an upgrade request elsewhere is answered as a plain one');
    });
  } finally {
    await server.stop();
    await new Promise<void>((r) => { backend.closeAllConnections(); backend.close(() => r()); });
    rmSync(dir, { recursive: true, force: true });
  }
});
