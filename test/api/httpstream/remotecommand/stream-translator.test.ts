/**
 * translateRemoteCommand between a real `ws` client and a backend played by
 * our own SpdyConnection in the server role over loopback TCP (the Go peer
 * is covered by test/node/spdy-streaming.test.ts): the streams client-go
 * opens, in its order; the ready marker; resize on channel 4 with a TTY and
 * no stderr stream; a malformed v5 CLOSE ends the session with a Failure
 * status and close 1000; v4 has no CLOSE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { SpdyConnection, type SpdyHeaders, type SpdyStream } from '../../../../src/api/httpstream/spdy/index.js';
import {
  Channel, StreamProtocolV4, StreamProtocolV5, exitCodeStatus, translateRemoteCommand, type TranslateOptions,
} from '../../../../src/api/httpstream/remotecommand/index.js';

interface Session {
  /** The backend's view: streams by type, in the order they were opened. */
  streams: Promise<Map<string, SpdyStream>>;
  order: string[];
  messages: Buffer[];
  closed: Promise<number>;
  client: WebSocket;
  translated: Promise<void>;
}

async function session(protocol: string, opts: TranslateOptions, expected: number): Promise<Session> {
  const tcp = createServer();
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const accepted = once(tcp, 'connection') as Promise<[Socket]>;
  const backendSocket = connect((tcp.address() as AddressInfo).port, '127.0.0.1');
  const [kubeletSocket] = await accepted;
  tcp.close();
  const kubelet = new SpdyConnection(kubeletSocket, { role: 'server' });
  const order: string[] = [];
  const streams = new Promise<Map<string, SpdyStream>>((resolve) => {
    const byType = new Map<string, SpdyStream>();
    kubelet.on('stream', (s: SpdyStream, h: SpdyHeaders) => {
      order.push(h.streamtype?.[0] ?? '?');
      byType.set(h.streamtype?.[0] ?? '?', s);
      s.on('error', () => undefined);
      void s.reply();
      if (byType.size === expected) resolve(byType);
    });
  });

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has(protocol) ? protocol : false) });
  await once(wss, 'listening');
  let translated!: Promise<void>;
  const connected = new Promise<void>((resolve) => wss.once('connection', (ws) => {
    translated = translateRemoteCommand(ws, backendSocket, opts);
    resolve();
  }));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, [protocol]);
  const messages: Buffer[] = [];
  client.on('message', (d: Buffer) => messages.push(d));
  const closed = new Promise<number>((resolve) => client.once('close', (code: number) => { wss.close(); resolve(code); }));
  await once(client, 'open');
  await connected;
  return { streams, order, messages, closed, client, translated };
}

function channel(messages: Buffer[], ch: number): string {
  return Buffer.concat(messages.filter((m) => m[0] === ch).map((m) => m.subarray(1))).toString();
}

test('v5: streams in client-go order; stdin and its CLOSE reach the backend; the backend Status is translated', async () => {
  const s = await session(StreamProtocolV5, { stdin: true, stdout: true, stderr: true, tty: false }, 4);
  const streams = await s.streams;
  assert.deepEqual(s.order, ['error', 'stdin', 'stdout', 'stderr']);
  s.client.send(Buffer.from([Channel.Stdin, 0x61, 0x62]));
  s.client.send(Buffer.from([0xff, Channel.Stdin]));
  const stdin = streams.get('stdin')!;
  const chunks: Buffer[] = [];
  stdin.on('data', (c: Buffer) => chunks.push(c));
  await once(stdin, 'end');
  assert.equal(Buffer.concat(chunks).toString(), 'ab', 'stdin then EOF');
  streams.get('stdout')!.end('out');
  streams.get('stderr')!.end('err');
  streams.get('error')!.end(JSON.stringify(exitCodeStatus(5, 'whatever the kubelet says')));
  assert.equal(await s.closed, 1000);
  assert.deepEqual(s.messages[0], Buffer.from([Channel.Stdout]), 'the empty ready marker comes first');
  assert.equal(channel(s.messages, Channel.Stdout), 'out');
  assert.equal(channel(s.messages, Channel.Stderr), 'err');
  const status = JSON.parse(channel(s.messages, Channel.Error)) as { reason: string; message: string; details: unknown };
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.equal(status.message, 'command terminated with non-zero exit code: command terminated with exit code 5');
  assert.deepEqual(status.details, { causes: [{ reason: 'ExitCode', message: '5' }] });
  assert.equal(s.messages.at(-1)?.[0], Channel.Error);
  await s.translated;
});

test('TTY: no stderr stream, resize messages go to the resize stream', async () => {
  const s = await session(StreamProtocolV5, { stdin: true, stdout: true, stderr: true, tty: true }, 4);
  const streams = await s.streams;
  assert.deepEqual(s.order, ['error', 'stdin', 'stdout', 'resize']);
  const resize = streams.get('resize')!;
  s.client.send(Buffer.concat([Buffer.from([Channel.Resize]), Buffer.from('{"Width":100,"Height":40}\n')]));
  const [chunk] = (await once(resize, 'data')) as [Buffer];
  assert.equal(chunk.toString(), '{"Width":100,"Height":40}\n');
  streams.get('stdout')!.end();
  streams.get('error')!.end();
  assert.equal(await s.closed, 1000);
  assert.deepEqual(JSON.parse(channel(s.messages, Channel.Error)), { metadata: {}, status: 'Success' });
  await s.translated;
});

test('v5: a CLOSE with two bytes ends the session with a Failure status and close 1000', async () => {
  const s = await session(StreamProtocolV5, { stdin: true, stdout: true, stderr: false, tty: false }, 3);
  const streams = await s.streams;
  const reset = once(streams.get('stdin')!, 'reset');
  s.client.send(Buffer.from([0xff, 0, 0]));
  assert.equal(await s.closed, 1000);
  const status = JSON.parse(channel(s.messages, Channel.Error)) as { status: string; message: string };
  assert.equal(status.status, 'Failure');
  assert.match(status.message, /CLOSE signal with 2 bytes/);
  await reset;
  await s.translated;
});

test('v4: 0xFF is not a CLOSE; the backend closing without a status is success', async () => {
  const s = await session(StreamProtocolV4, { stdin: true, stdout: true, stderr: false, tty: false }, 3);
  const streams = await s.streams;
  s.client.send(Buffer.from([0xff, Channel.Stdin]));
  s.client.send(Buffer.from([Channel.Stdin, 0x7a]));
  const stdin = streams.get('stdin')!;
  const [chunk] = (await once(stdin, 'data')) as [Buffer];
  assert.equal(chunk.toString(), 'z');
  assert.equal(stdin.readableEnded, false, 'stdin still open');
  streams.get('stdout')!.end('bye');
  streams.get('error')!.end();
  assert.equal(await s.closed, 1000);
  assert.equal(channel(s.messages, Channel.Stdout), 'bye');
  assert.deepEqual(JSON.parse(channel(s.messages, Channel.Error)), { metadata: {}, status: 'Success' });
  await s.translated;
});
