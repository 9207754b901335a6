/**
 * The CRI and containerd clients against an in-process gRPC server on a
 * unix socket: wire encoding (field numbers, enums, int64), error mapping,
 * per-call deadlines, and the content write stream.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connectCri, waitForRuntime, type CriClient } from '../../src/kubelet/runtime/cri/connect.js';
import { runtimeMethod } from '../../src/kubelet/runtime/cri/proto.js';
import { containerdMethod } from '../../src/kubelet/containerd/api/proto.js';
import { ContainerdClient } from '../../src/kubelet/containerd/api/client.js';
import { GrpcError } from '../../src/kubelet/grpc/errors.js';
import type { Method } from '../../src/kubelet/grpc/connection.js';
import { socketPathOf } from '../../src/kubelet/grpc/endpoint.js';

type Obj = Record<string, unknown>;
type Handler = (req: Obj, md: grpc.Metadata) => Promise<Obj>;

function unaryDef(m: Method<Obj, Obj>): grpc.MethodDefinition<Obj, Obj> {
  return {
    path: m.path, requestStream: false, responseStream: false,
    requestSerialize: m.request.serialize, requestDeserialize: m.request.deserialize,
    responseSerialize: m.response.serialize, responseDeserialize: m.response.deserialize,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('gRPC clients against a fake runtime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-grpc-'));
  const socket = join(dir, 'fake.sock');
  const server = new grpc.Server();
  let cri: CriClient;
  let apiVersion = 'v1';
  const seen: Array<{ method: string; req: Obj; md: Record<string, unknown> }> = [];
  const written = new Map<string, Buffer>();

  const runtime: Record<string, Handler> = {
    Version: async () => ({ version: '0.1.0', runtimeName: 'fake', runtimeVersion: '9', runtimeApiVersion: apiVersion }),
    ContainerStatus: async (req) => {
      if (req['containerId'] !== 'c1') throw Object.assign(new Error('x'), { code: grpc.status.NOT_FOUND, details: `container "${String(req['containerId'])}" not found` });
      return { status: { id: 'c1', state: 'CONTAINER_EXITED', exitCode: 137, createdAt: 1796662162047115000, reason: 'OOMKilled', labels: { a: 'b' } } };
    },
    StartContainer: async () => { await sleep(1000); return {}; },
    StopContainer: async () => { await sleep(700); return {}; },
    ExecSync: async (req) => ({ stdout: Buffer.from((req['cmd'] as string[]).join(' ')), exitCode: 3 }),
  };

  before(async () => {
    const defs: Record<string, grpc.MethodDefinition<Obj, Obj>> = {};
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [name, fn] of Object.entries(runtime)) {
      defs[name] = unaryDef(runtimeMethod<Obj, Obj>(name));
      impl[name] = (call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) => {
        seen.push({ method: name, req: call.request, md: call.metadata.getMap() });
        fn(call.request, call.metadata).then((r) => cb(null, r), (e: Error) => cb(e as grpc.ServiceError));
      };
    }
    server.addService(defs, impl);

    const info = containerdMethod<Obj, Obj>('content', 'Info');
    const write = containerdMethod<Obj, Obj>('content', 'Write');
    server.addService({
      Info: unaryDef(info),
      Write: { ...unaryDef(write), requestStream: true, responseStream: true },
    }, {
      Info: (call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) => {
        const d = String(call.request['digest']);
        if (written.has(d)) cb(null, { info: { digest: d, size: written.get(d)!.length } });
        else cb({ code: grpc.status.NOT_FOUND, details: `content digest ${d}: not found` } as grpc.ServiceError);
      },
      Write: (call: grpc.ServerDuplexStream<Obj, Obj>) => {
        seen.push({ method: 'Write', req: {}, md: call.metadata.getMap() });
        const parts: Buffer[] = [];
        let offset = 0;
        call.on('data', (req: Obj) => {
          const data = req['data'] as Buffer;
          assert.equal(req['offset'], offset);
          parts.push(data);
          offset += data.length;
          const res: Obj = { action: req['action'], offset };
          if (req['action'] === 'COMMIT') {
            const all = Buffer.concat(parts);
            const digest = `sha256:${createHash('sha256').update(all).digest('hex')}`;
            written.set(digest, all);
            res['digest'] = digest;
          }
          call.write(res);
        });
        call.on('end', () => call.end());
      },
    });
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
    cri = connectCri(`unix://${socket}`, { requestTimeoutMs: 300 });
  });

  after(() => {
    cri.close();
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  test('endpoints: unix:///path or /path', () => {
    assert.equal(socketPathOf('unix:///run/k8ts/containerd/containerd.sock'), '/run/k8ts/containerd/containerd.sock');
    assert.equal(socketPathOf('/run/x.sock'), '/run/x.sock');
    assert.throws(() => socketPathOf('tcp://127.0.0.1:1234'), /only unix:\/\/\/absolute\/path/);
    assert.throws(() => socketPathOf('unix://relative'), /only unix/);
  });

  test('field numbers, enums and int64 on the wire are upstream\'s', () => {
    const hex = (name: string, v: Obj): string => runtimeMethod<Obj, Obj>(name).request.serialize(v).toString('hex');
    assert.equal(hex('StopContainer', { containerId: 'x', timeout: 5 }), '0a01781005');
    // ContainerConfig.log_path = 11, inside CreateContainerRequest.config = 2.
    assert.equal(hex('CreateContainer', { config: { logPath: 'a' } }), '12035a0161');
    // PodSandboxConfig.port_mappings = 5 {protocol UDP = 1, container_port = 2}
    assert.equal(hex('RunPodSandbox', { config: { portMappings: [{ protocol: 'UDP', containerPort: 53 }] } }), '0a062a0408011035');
    // ContainerFilter.state = 2 {state CONTAINER_EXITED = 2}
    assert.equal(hex('ListContainers', { filter: { state: { state: 'CONTAINER_EXITED' } } }), '0a0412020802');
  });

  test('responses decode to camelCase with zero values present and absent messages undefined', async () => {
    const v = await cri.runtime.version('v1');
    assert.deepEqual({ ...v }, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '9', runtimeApiVersion: 'v1' });
    const s = (await cri.runtime.containerStatus('c1')).status!;
    assert.equal(s.state, 'CONTAINER_EXITED');
    assert.equal(s.exitCode, 137);
    assert.equal(s.reason, 'OOMKilled');
    assert.equal(s.startedAt, 0);
    assert.deepEqual(s.mounts, []);
    assert.deepEqual(s.labels, { a: 'b' });
    assert.equal(s.metadata, undefined);
    assert.ok(Math.abs(s.createdAt - 1796662162047115000) <= 512, 'nanoseconds survive to within a double');
    const exec = await cri.runtime.execSync('c1', ['echo', 'hi'], 0);
    assert.equal(exec.stdout.toString(), 'echo hi');
    assert.ok(Buffer.isBuffer(exec.stderr));
    assert.equal(exec.exitCode, 3);
  });

  test('a gRPC status becomes a GrpcError with code, name, details and method', async () => {
    await assert.rejects(cri.runtime.containerStatus('nope'), (err: unknown) => {
      assert.ok(err instanceof GrpcError);
      assert.equal(err.code, grpc.status.NOT_FOUND);
      assert.equal(err.codeName, 'NotFound');
      assert.equal(err.details, 'container "nope" not found');
      assert.equal(err.method, '/runtime.v1.RuntimeService/ContainerStatus');
      assert.equal(err.message, '/runtime.v1.RuntimeService/ContainerStatus: NotFound: container "nope" not found');
      return true;
    });
    await assert.rejects(cri.runtime.listPodSandbox(), (err: unknown) => err instanceof GrpcError && err.codeName === 'Unimplemented');
  });

  test('deadlines: the request timeout, plus the grace period for StopContainer', async () => {
    await assert.rejects(cri.runtime.startContainer('c1'), (err: unknown) => err instanceof GrpcError && err.codeName === 'DeadlineExceeded');
    await cri.runtime.stopContainer('c1', 1);
  });

  test('waitForRuntime: an answer in the wrong CRI version fails at once; no runtime times out', async () => {
    apiVersion = 'v1alpha2';
    try {
      await assert.rejects(waitForRuntime(cri.runtime, { timeoutMs: 5000 }), /speaks CRI "v1alpha2", not v1/);
    } finally {
      apiVersion = 'v1';
    }
    const none = connectCri(join(dir, 'missing.sock'), { requestTimeoutMs: 100 });
    try {
      await assert.rejects(waitForRuntime(none.runtime, { timeoutMs: 400, intervalMs: 50 }), /did not answer within 400 ms/);
    } finally {
      none.close();
    }
  });

  test('content writes stream in 1 MiB chunks with the namespace, and skip blobs that exist', async () => {
    const data = Buffer.alloc(2.5 * 1024 * 1024, 'k');
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const client = new ContainerdClient(cri.connection);
    const reads: number[] = [];
    const read = async (offset: number, length: number): Promise<Buffer> => { reads.push(offset); return data.subarray(offset, offset + length); };
    assert.equal(await client.writeContent({ mediaType: 'x', digest, size: data.length }, read), true);
    assert.deepEqual(reads, [0, 1024 * 1024, 2 * 1024 * 1024]);
    assert.ok(written.get(digest)?.equals(data));
    assert.deepEqual(seen.filter((s) => s.method === 'Write').map((s) => s.md['containerd-namespace']), ['k8s.io']);
    assert.equal(await client.writeContent({ mediaType: 'x', digest, size: data.length }, read), false);
    assert.equal(reads.length, 3, 'nothing read for a blob containerd has');
    const empty = `sha256:${createHash('sha256').update('').digest('hex')}`;
    assert.equal(await client.writeContent({ mediaType: 'x', digest: empty, size: 0 }, read), true);
    await assert.rejects(client.writeContent({ mediaType: 'x', digest: `sha256:${'0'.repeat(64)}`, size: 3 }, async () => Buffer.from('abc')),
      /containerd committed sha256:/);
  });
});
