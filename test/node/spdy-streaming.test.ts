/**
 * Our SPDY client and the WebSocket→SPDY stream translator against a real
 * Go peer: containerd's CRI streaming server (a copy of the kubelet's). A
 * private containerd runs a busybox pod; CRI Exec/PortForward hand out
 * URLs; we upgrade to SPDY/3.1 and drive exec (with stdin EOF, stderr and
 * the v4 exit Status), a TTY with resize, a port-forward to httpd in the
 * pod, and then the translator with a `ws` client on v5 and v4. Needs root
 * and the README's packages; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import protobuf from 'protobufjs';
import { WebSocket, WebSocketServer } from 'ws';
import {
  ContainerdClient, ContainerdSupervisor, PAUSE_IMAGE, buildBusyboxImage, ensurePauseImage, findExecutable,
  importImageBuffer, missingNodeRequirements, nodePaths, writeBridgeConflist, type CriClient, type PodSandboxConfig,
} from '../../src/kubelet/index.js';
import { method } from '../../src/kubelet/grpc/connection.js';
import { dialUpgrade } from '../../src/api/httpstream/upgrade-proxy.js';
import { SpdyConnection, type SpdyStream } from '../../src/api/httpstream/spdy/index.js';
import {
  Channel, PortForwardProtocolV1, StreamProtocolV4, StreamProtocolV5, encodeTerminalSize, parseStatus, translateRemoteCommand,
  type TranslateOptions,
} from '../../src/api/httpstream/remotecommand/index.js';
import { removeLeftovers } from './leftovers.js';
import { freeSubnetPrefix, httpGet } from './pod-network.js';

const missing = missingNodeRequirements();
if (!findExecutable('ip')) missing.push('ip (apt-get install iproute2)');
const skip = missing.length > 0 ? `needs ${missing.join('; ')}` : false;

const BUSYBOX = 'docker.io/k8ts-test/busybox:1';

/** A shell script that polls `stty size` until it reads `size` (5 s at most), then prints it: the assertion sees whatever it was. */
const WAIT_FOR_SIZE = (size: string): string => `for i in $(seq 100); do [ "$(stty size)" = "${size}" ] && break; sleep 0.05; done; stty size`;

/** The streaming RPCs of CRI v1 (k8s.io/cri-api api.proto), only for this test. */
const STREAMING_PROTO = `
syntax = "proto3";
package runtime.v1;
service RuntimeService {
  rpc Exec(ExecRequest) returns (ExecResponse) {}
  rpc PortForward(PortForwardRequest) returns (PortForwardResponse) {}
}
message ExecRequest { string container_id = 1; repeated string cmd = 2; bool tty = 3; bool stdin = 4; bool stdout = 5; bool stderr = 6; }
message ExecResponse { string url = 1; }
message PortForwardRequest { string pod_sandbox_id = 1; repeated int32 port = 2; }
message PortForwardResponse { string url = 1; }
`;
const streamingRoot = protobuf.parse(STREAMING_PROTO, { keepCase: false }).root;
interface ExecRequest { containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
const execMethod = method<ExecRequest, { url: string }>(streamingRoot, 'runtime.v1.RuntimeService', 'Exec');
const portForwardMethod = method<{ podSandboxId: string; port: number[] }, { url: string }>(streamingRoot, 'runtime.v1.RuntimeService', 'PortForward');

test('SPDY and the stream translator against containerd\'s streaming server', { skip, timeout: 240_000 }, async (t) => {
  const bridge = `k8tss${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync('/tmp/k8ts-spdy-');
  const ids = new Set<string>();
  let supervisor: ContainerdSupervisor | undefined;
  let cri!: CriClient;
  try {
    const paths = nodePaths(dir, { runDir: join(dir, 'run') });
    const cidrPrefix = freeSubnetPrefix();
    writeBridgeConflist(paths.cniConfDir, { podCidrs: [`${cidrPrefix}.0/24`], ipamDataDir: paths.cniIpamDataDir, bridge });
    supervisor = new ContainerdSupervisor(paths, { sandboxImage: PAUSE_IMAGE, streamServerPort: '0', restartBackoffMs: 100, startTimeoutMs: 90_000 });
    cri = await supervisor.start();
    await ensurePauseImage(new ContainerdClient(cri.connection), cri.images);
    await importImageBuffer(new ContainerdClient(cri.connection), 'busybox', buildBusyboxImage(BUSYBOX).archive, { cri: cri.images });

    const logDir = join(dir, 'pods', 'default_web_uid-1');
    mkdirSync(logDir, { recursive: true });
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: 0 }, hostname: 'web', logDirectory: logDir,
      linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const sandboxId = await cri.runtime.runPodSandbox(sandboxConfig);
    ids.add(sandboxId);
    const podIp = (await cri.runtime.podSandboxStatus(sandboxId)).status?.network?.ip ?? '';
    const image = await cri.images.imageStatus({ image: BUSYBOX });
    const containerId = await cri.runtime.createContainer(sandboxId, {
      metadata: { name: 'web', attempt: 0 }, image: { image: image.image!.id },
      command: ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www'], logPath: 'web/0.log',
    }, sandboxConfig);
    ids.add(containerId);
    await cri.runtime.startContainer(containerId);
    assert.equal(await httpGet(`http://${podIp}:8080/`), 'hello\n');

    const exec = async (cmd: string[], o: Omit<ExecRequest, 'containerId' | 'cmd'>): Promise<URL> =>
      new URL((await cri.connection.unary(execMethod, { containerId, cmd, ...o })).url);

    /** Upgrades to SPDY/3.1 with one protocol version and runs our client on the socket. */
    const spdyClient = async (url: URL, protocol: string): Promise<SpdyConnection> => {
      const answer = await dialUpgrade({ url, method: 'POST' }, ['Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1', 'X-Stream-Protocol-Version', protocol]);
      assert.ok(answer.upgraded, `101 expected, got ${answer.status}: ${answer.upgraded ? '' : answer.body.toString()}`);
      assert.equal(answer.headers['x-stream-protocol-version'], protocol);
      if (answer.head.length > 0) answer.socket.unshift(answer.head);
      return new SpdyConnection(answer.socket, { role: 'client' });
    };

    await t.test('exec: stdin comes back on stdout after our FIN, stderr arrives, the v4 Status carries exit code 3', { timeout: 60_000 }, async () => {
      const url = await exec(['sh', '-c', 'cat; echo err >&2; exit 3'], { tty: false, stdin: true, stdout: true, stderr: true });
      assert.match(url.pathname, /^\/exec\/[\w-]+$/);
      const conn = await spdyClient(url, StreamProtocolV4);
      const error = await conn.openStream({ streamtype: 'error' });
      error.end();
      const stdin = await conn.openStream({ streamtype: 'stdin' });
      const stdout = await conn.openStream({ streamtype: 'stdout' });
      const stderr = await conn.openStream({ streamtype: 'stderr' });
      const outputs = Promise.all([readAll(stdout), readAll(stderr), readAll(error)]);
      stdin.write('hello ');
      stdin.end('spdy\n');
      const [out, err, status] = await outputs;
      assert.equal(out.toString(), 'hello spdy\n');
      assert.equal(err.toString(), 'err\n');
      const parsed = JSON.parse(status.toString()) as { status: string; reason: string; details: { causes: Array<{ reason: string; message: string }> } };
      assert.equal(parsed.status, 'Failure');
      assert.equal(parsed.reason, 'NonZeroExitCode');
      assert.deepEqual(parsed.details.causes, [{ reason: 'ExitCode', message: '3' }]);
      assert.deepEqual(parseStatus(status), { kind: 'exit', exitCode: 3, message: 'command terminated with exit code 3' });
      const closed = conn.closed ? Promise.resolve() : once(conn, 'close');
      await conn.close();
      await closed;
    });

    await t.test('exec with a TTY: after a resize to 100x40, stty size prints "40 100"', { timeout: 60_000 }, async () => {
      // Waits (up to 5 s) for the size to land instead of sleeping: resizes apply asynchronously.
      const url = await exec(['sh', '-c', WAIT_FOR_SIZE('40 100')], { tty: true, stdin: true, stdout: true, stderr: false });
      const conn = await spdyClient(url, StreamProtocolV4);
      const error = await conn.openStream({ streamtype: 'error' });
      error.end();
      const stdin = await conn.openStream({ streamtype: 'stdin' });
      const stdout = await conn.openStream({ streamtype: 'stdout' });
      const resize = await conn.openStream({ streamtype: 'resize' });
      const outputs = Promise.all([readAll(stdout), readAll(error)]);
      resize.write(encodeTerminalSize({ width: 100, height: 40 }));
      const [out, status] = await outputs;
      stdin.end();
      assert.match(out.toString(), /\b40 100\r?\n/, JSON.stringify(out.toString()));
      assert.deepEqual(parseStatus(status), { kind: 'success' });
      await conn.close();
    });

    await t.test('port-forward: error and data streams with port/requestid headers reach httpd in the pod; after our FIN the reply still arrives', { timeout: 60_000 }, async () => {
      const { url } = await cri.connection.unary(portForwardMethod, { podSandboxId: sandboxId, port: [8080] });
      const conn = await spdyClient(new URL(url), PortForwardProtocolV1);
      for (const requestId of ['0', '1']) {
        const error = await conn.openStream({ streamtype: 'error', port: '8080', requestid: requestId });
        error.end();
        const data = await conn.openStream({ streamtype: 'data', port: '8080', requestid: requestId });
        const errorText = readAll(error);
        const response = readAll(data);
        // As kubectl does at its local socket's EOF: FIN the data stream and keep reading the reply.
        data.end('GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n');
        const text = (await response).toString();
        assert.match(text, /^HTTP\/1\.[01] 200 OK\r\n/);
        assert.match(text, /\r\n\r\nhello\n$/);
        assert.equal((await errorText).toString(), '', 'no error on the error stream');
      }
      await conn.close();
    });

    // The translator behind a small ws server: each connection runs the exec its path names.
    const cases = new Map<string, { cmd: string[]; opts: TranslateOptions }>();
    /** Each translation's outcome: undefined, or what went wrong on the server side. */
    const translations: Array<Promise<unknown>> = [];
    const wss = new WebSocketServer({
      host: '127.0.0.1', port: 0,
      handleProtocols: (offered) => [StreamProtocolV5, StreamProtocolV4].find((p) => offered.has(p)) ?? false,
    });
    await once(wss, 'listening');
    wss.on('connection', (ws, req) => {
      ws.pause();
      const c = cases.get(req.url ?? '')!;
      translations.push((async () => {
        const url = await exec(c.cmd, { tty: c.opts.tty, stdin: c.opts.stdin, stdout: c.opts.stdout, stderr: c.opts.stderr });
        const answer = await dialUpgrade({ url, method: 'POST' }, ['Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1', 'X-Stream-Protocol-Version', StreamProtocolV4]);
        assert.ok(answer.upgraded);
        if (answer.head.length > 0) answer.socket.unshift(answer.head);
        await translateRemoteCommand(ws, answer.socket, c.opts);
        assert.ok(answer.socket.destroyed, 'the backend socket is gone');
      })().then(() => undefined, (err: unknown) => { ws.terminate(); return err; }));
    });
    const wsUrl = (path: string): string => `ws://127.0.0.1:${(wss.address() as AddressInfo).port}${path}`;

    await t.test('translator, v5: stdin then CLOSE ends cat; stdout, stderr, then exit code 3 as the Status on channel 3; close 1000', { timeout: 60_000 }, async () => {
      cases.set('/v5', { cmd: ['sh', '-c', 'cat; echo err >&2; exit 3'], opts: { stdin: true, stdout: true, stderr: true, tty: false } });
      const client = new WebSocket(wsUrl('/v5'), [StreamProtocolV5]);
      const session = record(client);
      await once(client, 'open');
      assert.equal(client.protocol, StreamProtocolV5);
      client.send(Buffer.from([Channel.Stdin, ...Buffer.from('through the translator\n')]));
      client.send(Buffer.from([0xff, Channel.Stdin]));
      const { channels, code, order } = await session;
      assert.equal(code, 1000);
      assert.equal(channels[Channel.Stdout].toString(), 'through the translator\n');
      assert.equal(channels[Channel.Stderr].toString(), 'err\n');
      const status = JSON.parse(channels[Channel.Error].toString()) as Record<string, unknown>;
      assert.deepEqual(status, {
        metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: command terminated with exit code 3',
        reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      });
      assert.equal(order.at(-1), Channel.Error, 'the Status is the last message');
      assert.equal(await translations.at(-1), undefined);
    });

    await t.test('translator, v4: output and a Success status; no stdin', { timeout: 60_000 }, async () => {
      cases.set('/v4', { cmd: ['sh', '-c', 'echo out; echo err >&2'], opts: { stdin: false, stdout: true, stderr: true, tty: false } });
      const client = new WebSocket(wsUrl('/v4'), [StreamProtocolV4]);
      const session = record(client);
      await once(client, 'open');
      assert.equal(client.protocol, StreamProtocolV4);
      const { channels, code } = await session;
      assert.equal(code, 1000);
      assert.equal(channels[Channel.Stdout].toString(), 'out\n');
      assert.equal(channels[Channel.Stderr].toString(), 'err\n');
      assert.deepEqual(JSON.parse(channels[Channel.Error].toString()), { metadata: {}, status: 'Success' });
      assert.equal(await translations.at(-1), undefined);
    });

    await t.test('translator, v5 with a TTY: a resize on channel 4 reaches the terminal', { timeout: 60_000 }, async () => {
      cases.set('/tty', { cmd: ['sh', '-c', WAIT_FOR_SIZE('33 120')], opts: { stdin: true, stdout: true, stderr: false, tty: true } });
      const client = new WebSocket(wsUrl('/tty'), [StreamProtocolV5]);
      const session = record(client);
      await once(client, 'open');
      client.send(Buffer.concat([Buffer.from([Channel.Resize]), encodeTerminalSize({ width: 120, height: 33 })]));
      const { channels, code } = await session;
      assert.equal(code, 1000);
      assert.match(channels[Channel.Stdout].toString(), /\b33 120\r?\n/);
      assert.equal(channels[Channel.Stderr], undefined, 'no stderr with a TTY');
      assert.deepEqual(JSON.parse(channels[Channel.Error].toString()), { metadata: {}, status: 'Success' });
      assert.equal(await translations.at(-1), undefined);
    });

    await t.test('translator: a client that goes away mid-command ends the session and the backend', { timeout: 60_000 }, async () => {
      cases.set('/gone', { cmd: ['sleep', '600'], opts: { stdin: true, stdout: true, stderr: true, tty: false } });
      const client = new WebSocket(wsUrl('/gone'), [StreamProtocolV5]);
      await once(client, 'open');
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      client.terminate();
      assert.equal(await translations.at(-1), undefined);
      assert.ok(Date.now() - started < 10_000, 'the translation ended soon after the client left');
    });
    wss.close();
  } finally {
    try {
      for (const s of cri ? await cri.runtime.listPodSandbox().catch(() => []) : []) {
        await cri.runtime.stopPodSandbox(s.id).catch(() => undefined);
        await cri.runtime.removePodSandbox(s.id).catch(() => undefined);
      }
    } finally {
      await supervisor?.stop();
      removeLeftovers(dir, ids, bridge);
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

/** Reads to EOF without destroying the stream (its write side may still be in use). */
async function readAll(r: Readable | SpdyStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r.iterator({ destroyOnReturn: false })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Everything a v4/v5 client receives, by channel, until the close. */
function record(client: WebSocket): Promise<{ channels: Record<number, Buffer>; order: number[]; code: number }> {
  const channels: Record<number, Buffer> = {};
  const order: number[] = [];
  client.on('message', (data: Buffer, isBinary: boolean) => {
    assert.ok(isBinary, 'every message is binary');
    if (data.length <= 1) return;
    channels[data[0]] = Buffer.concat([channels[data[0]] ?? Buffer.alloc(0), data.subarray(1)]);
    order.push(data[0]);
  });
  return new Promise((resolve) => client.once('close', (code: number) => resolve({ channels, order, code })));
}
