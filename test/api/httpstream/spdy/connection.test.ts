/**
 * Two SpdyConnections, client and server, over a real TCP socket pair on
 * loopback: streams open and close both ways with FIN, headers and big
 * payloads arrive intact, PINGs are echoed, resets, reply timeouts and
 * close() behave as a Go peer expects, and garbage ends the connection with
 * a typed error instead of a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import {
  SpdyConnection, SpdyConnectionClosedError, SpdyProtocolError, SpdyStreamResetError, RstStatus,
  type SpdyConnectionOptions, type SpdyHeaders, type SpdyStream,
} from '../../../../src/api/httpstream/spdy/index.js';

async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  const [serverSide] = (await accepted) as [Socket];
  server.close();
  return [client, serverSide];
}

async function pair(opts: Partial<SpdyConnectionOptions> = {}): Promise<{ client: SpdyConnection; server: SpdyConnection; sockets: [Socket, Socket] }> {
  const sockets = await socketPair();
  return {
    client: new SpdyConnection(sockets[0], { ...opts, role: 'client' }),
    server: new SpdyConnection(sockets[1], { ...opts, role: 'server' }),
    sockets,
  };
}

/** Reads to EOF without destroying the stream (its write side may still be in use). */
async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r.iterator({ destroyOnReturn: false })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function nextStream(conn: SpdyConnection): Promise<[SpdyStream, SpdyHeaders]> {
  return once(conn, 'stream') as Promise<[SpdyStream, SpdyHeaders]>;
}

test('streams open both ways, carry headers and data, and half-close with FIN', async () => {
  const { client, server } = await pair();
  const accepted = nextStream(server);
  const opening = client.openStream({ StreamType: 'stdin', multi: ['a', 'b'] });
  const [remote, headers] = await accepted;
  assert.deepEqual({ ...headers }, { streamtype: ['stdin'], multi: ['a', 'b'] });
  assert.equal(remote.id, 1);
  await remote.reply();
  const local = await opening;
  assert.equal(local.id, 1);

  local.end('hello');
  assert.equal((await readAll(remote)).toString(), 'hello', 'the FIN ends the reader');
  remote.end('world');
  assert.equal((await readAll(local)).toString(), 'world');

  // The server opens one too: even ids.
  const back = nextStream(client);
  const serverOpening = server.openStream({ streamtype: 'data' });
  const [fromServer] = await back;
  await fromServer.reply();
  const second = await serverOpening;
  assert.equal(second.id, 2);
  const third = nextStream(server);
  void client.openStream({ streamtype: 'error' }).catch(() => undefined);
  assert.equal((await third)[0].id, 3, 'client ids go on with 3');

  const serverClosed = once(server, 'close');
  await client.close();
  await serverClosed;
  assert.ok(server.closed);
});

test('megabytes flow both ways intact; the writer respects backpressure', async () => {
  const { client, server } = await pair();
  server.on('stream', (s) => { void s.reply(); s.pipe(s); });
  const stream = await client.openStream({ streamtype: 'echo' });
  const payload = randomBytes(8 * 1024 * 1024 + 123);
  const reading = readAll(stream);
  let waits = 0;
  for (let at = 0; at < payload.length; at += 100_000) {
    if (!stream.write(payload.subarray(at, at + 100_000))) {
      waits++;
      await once(stream, 'drain');
    }
  }
  stream.end();
  const echoed = await reading;
  assert.equal(echoed.length, payload.length);
  assert.equal(createHash('sha256').update(echoed).digest('hex'), createHash('sha256').update(payload).digest('hex'));
  assert.ok(waits > 0, 'write() returned false at least once');
  await client.close();
});

test('PINGs are echoed by the peer', async () => {
  const { client, server } = await pair();
  const rtt = await client.ping();
  assert.ok(rtt >= 0 && rtt < 5000, String(rtt));
  assert.ok((await server.ping()) >= 0);
  await server.close();
  await assert.rejects(client.ping(), SpdyConnectionClosedError);
});

test('a refused stream rejects openStream; a reset after the reply ends the reader and fails writes', async () => {
  const { client, server } = await pair();
  server.once('stream', (s) => s.reset(RstStatus.RefusedStream));
  await assert.rejects(client.openStream({ streamtype: 'x' }), (err: unknown) => err instanceof SpdyStreamResetError && err.status === RstStatus.RefusedStream);

  const accepted = nextStream(server);
  const opening = client.openStream({ streamtype: 'y' });
  const [remote] = await accepted;
  await remote.reply();
  const local = await opening;
  const reset = once(local, 'reset');
  remote.write('before');
  remote.reset();
  assert.deepEqual(await reset, [RstStatus.Cancel]);
  assert.equal((await readAll(local)).toString(), 'before', 'data before the RST is kept, then EOF');
  const failed = once(local, 'error');
  local.write('after');
  assert.ok((await failed)[0] instanceof SpdyStreamResetError);
  await client.close();
});

test('no SYN_REPLY within the timeout: openStream fails with "Timeout occurred" and resets the stream', async () => {
  const { client, server } = await pair({ streamReplyTimeoutMs: 300 });
  const accepted = nextStream(server);
  const opening = client.openStream({ streamtype: 'slow' });
  const [remote] = await accepted;
  const reset = once(remote, 'reset');
  await assert.rejects(opening, /Timeout occurred/);
  assert.deepEqual(await reset, [RstStatus.Cancel]);
  await client.close();
});

test('a SYN_STREAM nobody listens for is refused', async () => {
  const { client } = await pair();
  await assert.rejects(client.openStream({ streamtype: 'nobody' }), (err: unknown) => err instanceof SpdyStreamResetError && err.status === RstStatus.RefusedStream);
  await client.close();
});

test('close(): open streams are reset, the peer gets GOAWAY, then both ends close', async () => {
  const { client, server } = await pair();
  const accepted = nextStream(server);
  const opening = client.openStream({ streamtype: 'stdin' });
  const [remote] = await accepted;
  await remote.reply();
  const local = await opening;
  const goaway = once(server, 'goaway');
  const reset = once(remote, 'reset');
  const serverClosed = once(server, 'close');
  await client.close();
  assert.deepEqual(await reset, [RstStatus.Cancel]);
  assert.deepEqual(await goaway, [0, 0]);
  assert.deepEqual(await serverClosed, [undefined], 'a clean close carries no error');
  assert.ok(local.destroyed);
  await assert.rejects(client.openStream({ streamtype: 'late' }), SpdyConnectionClosedError);
});

test('a clean close by the peer is EOF for open streams (not an error)', async () => {
  const { client, server, sockets } = await pair();
  const accepted = nextStream(server);
  const opening = client.openStream({ streamtype: 'stdout' });
  const [remote] = await accepted;
  await remote.reply();
  const local = await opening;
  remote.write('tail');
  const reading = readAll(local);
  await new Promise((r) => setTimeout(r, 50));
  const closed = once(client, 'close');
  sockets[1].end();
  assert.equal((await reading).toString(), 'tail');
  assert.deepEqual(await closed, [undefined]);
  server.destroy();
});

test('garbage from the peer ends the connection with a SpdyProtocolError, never a crash; streams see EOF', async () => {
  const { client, server, sockets } = await pair();
  const accepted = nextStream(server);
  void client.openStream({ streamtype: 'stdin' }).catch(() => undefined);
  const [remote] = await accepted;
  const closed = once(server, 'close');
  sockets[0].write(Buffer.from('80020001000000000000', 'hex'));
  const [err] = await closed;
  assert.ok(err instanceof SpdyProtocolError, String(err));
  assert.match((err as Error).message, /version 2/);
  const ended = once(remote, 'end');
  remote.resume();
  await ended;
  const failedWrite = once(remote, 'error');
  remote.write('x');
  assert.ok((await failedWrite)[0] instanceof SpdyProtocolError, 'writes fail with the connection\'s error');
  await once(client, 'close');
});

test('close() while a stream waits for its SYN_REPLY rejects openStream at once', async () => {
  const { client, server } = await pair();
  const accepted = nextStream(server);
  const opening = client.openStream({ streamtype: 'stdout' });
  await accepted;
  const started = Date.now();
  const rejected = assert.rejects(opening, SpdyConnectionClosedError);
  await client.close();
  await rejected;
  assert.ok(Date.now() - started < 5000);
});
