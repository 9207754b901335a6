/**
 * The manager's timing with upstream's defaults, on a fake clock and an
 * in-memory API: status computed every 10 s but written only on change or
 * every 5 min, the Lease renewed every 10 s, registration retried with
 * back-off, nothing after stop().
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../../src/api/log.js';
import { FakeClock, type ApiObject, type RestClient, type ResourceDescriptor } from '../../../src/client/index.js';
import { NodeStatusManager, parseEvictionThresholds, DEFAULT_EVICTION_HARD } from '../../../src/kubelet/node-status/index.js';
import { FakeStatusCri, HOST, usage } from './fake-cri.js';

class ApiError extends Error { constructor(readonly code: number) { super(`HTTP ${code}`); } }

/** Just enough of the API for nodes and leases, recording each write with the fake clock's time. */
class MemoryApi {
  readonly objects = new Map<string, ApiObject>();
  readonly writes: { what: string; atMs: number }[] = [];
  failCreates = 0;
  private rv = 1;
  constructor(private readonly clock: FakeClock) {}

  private key(res: ResourceDescriptor, name: string): string { return `${res.resource}/${name}`; }
  private store<T extends ApiObject>(res: ResourceDescriptor, obj: T, what: string): T {
    const stored = { ...obj, metadata: { ...obj.metadata, uid: obj.metadata?.uid ?? `uid-${obj.metadata?.name}`, resourceVersion: String(++this.rv) } };
    this.objects.set(this.key(res, obj.metadata!.name!), stored);
    this.writes.push({ what: `${what} ${res.resource}`, atMs: this.clock.now() });
    return structuredClone(stored) as T;
  }

  client(): RestClient {
    const api = {
      get: async (res: ResourceDescriptor, name: string) => {
        const o = this.objects.get(this.key(res, name));
        if (!o) throw new ApiError(404);
        return structuredClone(o);
      },
      create: async (res: ResourceDescriptor, obj: ApiObject) => {
        if (this.failCreates > 0) { this.failCreates--; throw new ApiError(503); }
        if (this.objects.has(this.key(res, obj.metadata!.name!))) throw new ApiError(409);
        return this.store(res, obj, 'create');
      },
      update: async (res: ResourceDescriptor, obj: ApiObject) => this.store(res, obj, 'update'),
      patch: async (res: ResourceDescriptor, name: string, patch: { status?: unknown }) => {
        const o = this.objects.get(this.key(res, name));
        if (!o) throw new ApiError(404);
        return this.store(res, { ...o, ...(patch.status ? { status: patch.status } : {}) } as ApiObject, 'patch');
      },
    };
    return api as unknown as RestClient;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

async function run(clock: FakeClock, ms: number, stepMs = 1000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) { clock.step(stepMs); await settle(); }
}

describe('node status manager timing (fake clock)', () => {
  test("upstream's defaults: status on change or every 5 min, Lease every 10 s", async () => {
    const clock = new FakeClock(Date.parse('2026-12-07T10:00:00Z'));
    const api = new MemoryApi(clock);
    api.failCreates = 2;
    const cri = new FakeStatusCri();
    const m = new NodeStatusManager({
      client: api.client(), logger: createLogger('timing-test', { level: 'silent' }), clock,
      runtime: cri, images: cri, readHost: async () => HOST, readUsage: async () => usage(),
      registration: { nodeName: 'node-a' },
      status: { evictionHard: parseEvictionThresholds(DEFAULT_EVICTION_HARD), kubeletVersion: 'v1.33.0+k8ts' },
    });
    m.start();
    await settle();
    // Two failed creates: retried after 100 ms, then 200 ms.
    await run(clock, 400, 100);
    const node = await m.registered;
    const t0 = clock.now() - 400;
    assert.equal(node.metadata?.name, 'node-a');
    assert.equal(api.writes[0]?.what, 'create nodes');
    assert.equal(api.writes[0]?.atMs, t0 + 300);
    assert.equal(api.writes[1]?.what, 'create leases');

    await run(clock, 12 * 60_000);
    // Unchanged: written when 5 min have passed since the last write, checked every 10 s (to the test's 1 s step).
    const patches = api.writes.filter((w) => w.what === 'patch nodes').map((w) => Math.round((w.atMs - (t0 + 300)) / 1000));
    assert.deepEqual(patches, [300, 600]);
    const renewals = api.writes.filter((w) => w.what === 'update leases').map((w) => w.atMs);
    assert.ok(renewals.length >= 63 && renewals.length <= 73, `lease renewals in 12 min: ${renewals.length}`);
    for (let i = 1; i < renewals.length; i++) {
      const gap = renewals[i]! - renewals[i - 1]!;
      assert.ok(gap >= 10_000 && gap <= 11_400, `renewal gap ${gap} ms (10 s + up to 4%, to the test's 1 s step)`);
    }
    const lease = api.objects.get('leases/node-a') as Lease;
    assert.deepEqual(lease.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: 'uid-node-a' }]);

    // A change is written at the next 10 s tick.
    const before = api.writes.length;
    cri.networkReady = false;
    await run(clock, 10_000);
    const written = api.writes.slice(before).filter((w) => w.what === 'patch nodes');
    assert.equal(written.length, 1);
    const n = api.objects.get('nodes/node-a') as Node;
    assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');

    await m.stop();
    const after = api.writes.length;
    await run(clock, 60_000);
    assert.equal(api.writes.length, after, 'nothing written after stop()');
    assert.equal(clock.pending(), 0, 'no timers left');
  });
});
