/**
 * The probe handlers against real sockets on 127.0.0.1 (HTTP, TCP, gRPC
 * health) and a stub runtime (exec), and the prober's retries and Events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { httpProbe } from '../../../src/kubelet/prober/http-probe.js';
import { tcpProbe } from '../../../src/kubelet/prober/tcp-probe.js';
import { grpcProbe, decodeHealthCheckResponse, encodeHealthCheckRequest } from '../../../src/kubelet/prober/grpc-probe.js';
import { execProbe } from '../../../src/kubelet/prober/exec-probe.js';
import { PROBE_USER_AGENT, probeContainer, resolveContainerPort } from '../../../src/kubelet/prober/index.js';
import type { RuntimeService } from '../../../src/kubelet/runtime/cri/services.js';
import { GrpcError } from '../../../src/kubelet/grpc/errors.js';

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

test('httpGet: kube-probe User-Agent, Accept */*, custom headers, 2xx passes with the body, others fail with the status', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/healthz') res.end('ok');
    else if (req.url === '/moved') { res.writeHead(302, { location: '/healthz' }); res.end(); }
    else if (req.url === '/away') { res.writeHead(301, { location: 'http://example.invalid/' }); res.end('gone'); }
    else if (req.url === '/slow') setTimeout(() => res.end('late'), 1500);
    else { res.writeHead(500); res.end('boom'); }
  });
  const port = await listen(server);
  try {
    assert.equal(PROBE_USER_AGENT, 'kube-probe/1.33');
    assert.deepEqual(await httpProbe({ path: '/healthz', port, httpHeaders: [{ name: 'X-Probe', value: 'yes' }] }, '127.0.0.1', port, 1), { result: 'Success', output: 'ok' });
    assert.equal(seen[0]!['user-agent'], 'kube-probe/1.33');
    assert.equal(seen[0]!['accept'], '*/*');
    assert.equal(seen[0]!['x-probe'], 'yes');
    await httpProbe({ path: 'healthz', port, httpHeaders: [{ name: 'User-Agent', value: 'mine' }, { name: 'Accept', value: '' }] }, '127.0.0.1', port, 1);
    assert.equal(seen[1]!['user-agent'], 'mine');
    assert.equal(seen[1]!['accept'], undefined, 'an empty Accept header removes it');
    assert.deepEqual(await httpProbe({ path: '/fail', port }, '127.0.0.1', port, 1), { result: 'Failure', output: 'HTTP probe failed with statuscode: 500' });
    assert.deepEqual(await httpProbe({ path: '/moved', port }, '127.0.0.1', port, 1), { result: 'Success', output: 'ok' }, 'same-host redirects are followed');
    const away = await httpProbe({ path: '/away', port }, '127.0.0.1', port, 1);
    assert.equal(away.result, 'Success');
    assert.equal(away.warning, true);
    const slow = await httpProbe({ path: '/slow', port }, '127.0.0.1', port, 1);
    assert.equal(slow.result, 'Failure');
    assert.match(slow.output, /Client\.Timeout exceeded/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  const closed = await freePort();
  const refused = await httpProbe({ path: '/', port: closed }, '127.0.0.1', closed, 1);
  assert.deepEqual(refused, { result: 'Failure', output: `Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('tcpSocket: a connection passes, a refused one fails with Go\'s dial error', async () => {
  const server = net.createServer((s) => s.end());
  const port = await listen(server);
  try {
    assert.equal((await tcpProbe('127.0.0.1', port, 1)).result, 'Success');
  } finally {
    await new Promise((r) => server.close(r));
  }
  const closed = await freePort();
  assert.deepEqual(await tcpProbe('127.0.0.1', closed, 1), { result: 'Failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('grpc: Health/Check with the service name; SERVING passes, NOT_SERVING and no server fail', async () => {
  assert.equal(decodeHealthCheckResponse(Buffer.from([0x08, 0x01])), 'SERVING');
  assert.deepEqual([...encodeHealthCheckRequest('db')], [0x0a, 2, 0x64, 0x62]);
  const server = new grpc.Server();
  const asked: string[] = [];
  server.addService({
    Check: {
      path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
      requestDeserialize: (b: Buffer) => (b.length ? b.subarray(2).toString() : ''),
      requestSerialize: (s: string) => Buffer.from(s), responseSerialize: (n: number) => Buffer.from([0x08, n]),
      responseDeserialize: (b: Buffer) => b[1],
    },
  }, {
    Check: (call: grpc.ServerUnaryCall<string, number>, cb: grpc.sendUnaryData<number>) => {
      asked.push(call.request);
      cb(null, call.request === 'down' ? 2 : 1);
    },
  });
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  try {
    assert.deepEqual(await grpcProbe('127.0.0.1', port, 'db', 2), { result: 'Success', output: '' });
    assert.deepEqual(await grpcProbe('127.0.0.1', port, 'down', 2), { result: 'Failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.deepEqual(asked, ['db', 'down']);
  } finally {
    server.forceShutdown();
  }
  const closed = await freePort();
  const none = await grpcProbe('127.0.0.1', closed, '', 1);
  assert.equal(none.result, 'Failure');
  assert.match(none.output, /^timeout: failed to connect service "127\.0\.0\.1:\d+" within 1s/);
});

test('exec: exit 0 passes, another exit fails with the output, a timeout fails', async () => {
  let reply: () => Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> = async () => ({ stdout: Buffer.from('fine'), stderr: Buffer.alloc(0), exitCode: 0 });
  const calls: unknown[] = [];
  const runtime = { execSync: async (id: string, cmd: string[], t: number) => { calls.push([id, cmd, t]); return reply(); } } as unknown as RuntimeService;
  assert.deepEqual(await execProbe(runtime, 'c1', ['cat', '/tmp/healthy'], 2), { result: 'Success', output: 'fine' });
  assert.deepEqual(calls, [['c1', ['cat', '/tmp/healthy'], 2]]);
  reply = async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.from('cat: can\'t open \'/tmp/healthy\': No such file or directory\n'), exitCode: 1 });
  assert.deepEqual(await execProbe(runtime, 'c1', ['cat', '/tmp/healthy'], 1), { result: 'Failure', output: 'cat: can\'t open \'/tmp/healthy\': No such file or directory\n' });
  reply = async () => { throw new GrpcError('/runtime.v1.RuntimeService/ExecSync', 2, 'failed to exec in container: timeout 1s exceeded: context deadline exceeded'); };
  assert.deepEqual(await execProbe(runtime, 'c1', ['sleep', '9'], 1), { result: 'Failure', output: 'command "sleep 9" timed out' });
  reply = async () => { throw new GrpcError('/runtime.v1.RuntimeService/ExecSync', 5, 'container not found'); };
  await assert.rejects(execProbe(runtime, 'c1', ['true'], 1), /not found/);
});

test('named ports resolve through the container\'s ports; unknown ones are a clear error', () => {
  const c = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
  assert.equal(resolveContainerPort('http', c), 8080);
  assert.equal(resolveContainerPort('9090', c), 9090);
  assert.equal(resolveContainerPort(81, c), 81);
  assert.throws(() => resolveContainerPort('grpc', c), /couldn't find port: grpc/);
  assert.throws(() => resolveContainerPort(0, c), /invalid port/);
});

test('the prober records Unhealthy for every failure and retries a probe that errors 3 times', async () => {
  const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' } };
  const events: string[] = [];
  const sink = { event: (_p: Pod, type: string, reason: string, message: string) => { events.push(`${type} ${reason} ${message}`); } };
  const target = { pod, container: { name: 'app' }, containerId: 'c1', podIP: '10.0.0.2' };
  const failed = await probeContainer('Liveness', {}, target, async () => ({ result: 'Failure', output: 'no file' }), sink);
  assert.equal(failed.result, 'Failure');
  let tries = 0;
  const errored = await probeContainer('Readiness', {}, target, async () => { tries++; throw new Error('the pod has no IP yet'); }, sink);
  assert.equal(errored.result, 'Unknown');
  assert.equal(tries, 3);
  assert.deepEqual(events, ['Warning Unhealthy Liveness probe failed: no file', 'Warning Unhealthy Readiness probe errored: the pod has no IP yet']);
});
