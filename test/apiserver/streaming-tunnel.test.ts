/**
 * The port-forward WebSocket tunnel relay with a real `ws` client and a
 * real TCP echo server as the backend: bytes split across messages arrive
 * whole, the backend's end closes the WebSocket with 1000, a text message
 * closes it with 1003, a client that goes frees the backend socket, and
 * the chunks of one backend read go out as one message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { relayTunnel } from '../../src/apiserver/streaming/port-forward-tunnel.js';

async function setup(onBackend: (s: Socket) => void): Promise<{ ws: WebSocket; done: Promise<void>; backendClosed: Promise<void>; close(): void }> {
  const echo = createServer(onBackend);
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  let done!: Promise<void>;
  let backendClosed!: Promise<void>;
  const started = new Promise<void>((resolve) => {
    wss.once('connection', (server) => {
      const backend = connect((echo.address() as { port: number }).port, '127.0.0.1');
      backendClosed = new Promise((r) => backend.once('close', () => r()));
      done = relayTunnel(server, backend);
      resolve();
    });
  });
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  await new Promise<void>((r) => ws.once('open', () => r()));
  await started;
  return { ws, done, backendClosed, close: () => { wss.close(); echo.close(); } };
}

test('bytes split over binary messages are relayed as bytes, both ways; the backend ending closes with 1000', async () => {
  const t = await setup((s) => {
    let got = Buffer.alloc(0);
    s.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (got.length >= 200_000) s.end(Buffer.concat([got, Buffer.from('!')]));
    });
  });
  const payload = Buffer.alloc(200_000, 7);
  for (let i = 0; i < payload.length; i += 30_000) t.ws.send(payload.subarray(i, i + 30_000), { binary: true });
  const chunks: Buffer[] = [];
  t.ws.on('message', (d: Buffer) => chunks.push(d));
  const code = await new Promise<number>((r) => t.ws.once('close', (c: number) => r(c)));
  assert.equal(code, 1000);
  const back = Buffer.concat(chunks);
  assert.equal(back.length, 200_001);
  assert.ok(back.subarray(0, 200_000).equals(payload));
  await t.done;
  t.close();
});

test('a text message is a protocol error (1003); a client that goes frees the backend socket', async () => {
  const a = await setup(() => {});
  a.ws.send('not binary');
  assert.equal(await new Promise<number>((r) => a.ws.once('close', (c: number) => r(c))), 1003);
  await a.backendClosed;
  await a.done;
  a.close();
  const b = await setup(() => {});
  b.ws.terminate();
  await b.backendClosed;
  await b.done;
  b.close();
});

test('chunks the backend yields in one tick go out as one message, before the close', async () => {
  const { Duplex: D, PassThrough } = await import('node:stream');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  const readable = new PassThrough();
  const backend = D.from({ readable, writable: new PassThrough() });
  let done!: Promise<void>;
  wss.once('connection', (server) => {
    done = relayTunnel(server, backend);
    readable.write('a'.repeat(16384));
    readable.write('b'.repeat(16384));
    readable.end('c');
  });
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  const messages: Buffer[] = [];
  ws.on('message', (d: Buffer) => messages.push(d));
  const code = await new Promise<number>((r) => ws.once('close', (c: number) => r(c)));
  assert.equal(code, 1000);
  assert.equal(Buffer.concat(messages).toString(), `${'a'.repeat(16384)}${'b'.repeat(16384)}c`);
  assert.ok(messages.length < 3, `${messages.length} messages for one read`);
  await done;
  wss.close();
});
