/**
 * The upgrade-aware proxy between two real HTTP servers on loopback: a 101
 * is relayed with its headers and bytes flow both ways; a refusal is relayed
 * verbatim; credentials are not forwarded; repeated protocol headers stay
 * separate lines; an unreachable backend rejects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import { proxyUpgrade, splice, writeRawResponse } from '../../../src/api/httpstream/upgrade-proxy.js';

async function listen(s: Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

test('relays a 101 and copies bytes both ways; refusals and failures', async () => {
  let seen: IncomingMessage | undefined;
  const backend = createServer((req, res) => { res.writeHead(500); res.end(); });
  backend.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    seen = req;
    if (req.url?.startsWith('/refuse')) {
      writeRawResponse(socket, 403, 'Forbidden', { 'Content-Type': 'application/json', 'X-Accepted-Stream-Protocol-Versions': 'v4.channel.k8s.io' }, '{"kind":"Status","code":403}');
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  const backendPort = await listen(backend);
  const front = createServer();
  const proxyErrors: unknown[] = [];
  front.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = req.url === '/unreachable' ? 'http://127.0.0.1:1/x' : `http://127.0.0.1:${backendPort}${req.url === '/refuse' ? '/refuse' : '/exec/abc?x=1'}`;
    proxyUpgrade(req, socket, head, { url: new URL(target), timeoutMs: 5000 }).catch((e: unknown) => {
      proxyErrors.push(e);
      writeRawResponse(socket, 502, 'Bad Gateway', {}, 'unreachable');
    });
  });
  const frontPort = await listen(front);
  const upgrade = (path: string): Promise<{ res: IncomingMessage; socket?: Duplex }> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: frontPort, path, method: 'POST', agent: false, headers: [
      'Content-Length', '0',
      'Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1', 'Authorization', 'Bearer secret',
      'X-Stream-Protocol-Version', 'v4.channel.k8s.io', 'X-Stream-Protocol-Version', 'channel.k8s.io',
    ] } as never);
    req.once('upgrade', (res, socket) => resolve({ res, socket }));
    req.once('response', (res) => resolve({ res }));
    req.once('error', reject);
    req.end();
  });
  try {
    const up = await upgrade('/exec');
    assert.equal(up.res.statusCode, 101);
    assert.equal(up.res.headers['x-stream-protocol-version'], 'v4.channel.k8s.io');
    assert.equal(seen?.url, '/exec/abc?x=1');
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.headers.authorization, undefined, 'credentials are not forwarded');
    const versions = seen!.rawHeaders.filter((_, i) => i % 2 === 1 && /^x-stream-protocol-version$/i.test(seen!.rawHeaders[i - 1]));
    assert.deepEqual(versions, ['v4.channel.k8s.io', 'channel.k8s.io']);
    assert.equal(seen?.headers['x-forwarded-for'], '127.0.0.1');
    assert.deepEqual(seen!.rawHeaders.filter((_, i) => i % 2 === 1 && /^host$/i.test(seen!.rawHeaders[i - 1])), [`127.0.0.1:${backendPort}`], 'one Host, the backend\'s');
    const echoed = new Promise<string>((r) => up.socket!.once('data', (d: Buffer) => r(d.toString())));
    up.socket!.write('hello');
    assert.equal(await echoed, 'echo:hello');
    up.socket!.destroy();

    const refused = await upgrade('/refuse');
    assert.equal(refused.res.statusCode, 403);
    assert.equal(refused.res.headers['x-accepted-stream-protocol-versions'], 'v4.channel.k8s.io');
    const body = await new Promise<string>((r) => { let b = ''; refused.res.on('data', (d) => { b += d; }).on('end', () => r(b)); });
    assert.equal(body, '{"kind":"Status","code":403}');

    const unreachable = await upgrade('/unreachable');
    assert.equal(unreachable.res.statusCode, 502);
    assert.equal(proxyErrors.length, 1);
  } finally {
    front.close();
    backend.close();
    front.closeAllConnections();
    backend.closeAllConnections();
  }
});

test('splice with a side already closed ends at once and drops the other', async () => {
  const gone = new PassThrough();
  gone.destroy();
  await new Promise((r) => gone.once('close', r));
  const live = new PassThrough();
  await splice(gone, live);
  assert.equal(live.destroyed, true);
});

test('splice drops both sides after the idle timeout, and not while bytes move', async () => {
  const { Duplex: D } = await import('node:stream');
  const { PassThrough } = await import('node:stream');
  const pair = (): InstanceType<typeof D> => D.from({ readable: new PassThrough(), writable: new PassThrough() });
  const a = pair();
  const b = pair();
  const started = Date.now();
  const ended = splice(a, b, 300);
  const feeding = setInterval(() => a.push('x'), 100);
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(a.destroyed || b.destroyed, false, 'traffic keeps the splice open');
  clearInterval(feeding);
  const keepAlive = setInterval(() => undefined, 1000); // the idle timer is unref'd
  await ended;
  clearInterval(keepAlive);
  assert.ok(a.destroyed && b.destroyed);
  assert.ok(Date.now() - started >= 800, 'closed 300 ms after the last byte, not 300 ms after the start');
});

test('splice writes the chunks of one read as one writev, in order, and pauses the source while the sink is full', async () => {
  const { Duplex: D } = await import('node:stream');
  const writes: Buffer[][] = [];
  let release: (() => void) | undefined;
  const b = new D({
    highWaterMark: 8,
    read() {},
    writev(chunks, cb) { writes.push(chunks.map((c) => c.chunk as Buffer)); release = () => cb(); },
    write(chunk: Buffer, _enc, cb) { writes.push([chunk]); release = () => cb(); },
  });
  const a = D.from({ readable: new PassThrough(), writable: new PassThrough() });
  const ended = splice(a, b);
  a.push('one');
  a.push('two');
  a.push('three');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes.map((w) => Buffer.concat(w).toString()), ['onetwothree'], 'one write for the chunks of one tick');
  assert.equal(writes[0]!.length, 3);
  assert.equal(a.isPaused(), true, 'the source waits for the full sink');
  release!();
  await new Promise((r) => setImmediate(r));
  assert.equal(a.isPaused(), false, 'drain resumes it');
  a.destroy();
  await ended;
});
