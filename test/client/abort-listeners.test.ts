/**
 * Long-lived signals keep a flat count of abort listeners: an informer's
 * signal across many re-watches (ended by the server, by a 410, or by the
 * client), waitForSync called again and again, and sleep() timers that fire.
 * Node warns of a leak at 11 listeners on one signal.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners, setMaxListeners } from 'node:events';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { RestClient, type ObjectList, type WatchOptions } from '../../src/client/rest-client.js';
import type { ApiObject } from '../../src/client/api-object.js';
import type { WatchStream } from '../../src/client/watch-stream.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RESOURCES, resourceDescriptor, type ResourceDescriptor } from '../../src/client/resource.js';
import { Informer } from '../../src/client/informer.js';
import { InformerFactory } from '../../src/client/informer-factory.js';
import { sleep } from '../../src/client/clock.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

const NS = 'abort-listeners';
const REWATCHES = 60;

let server: RunningServer;
let client: RestClient;

before(async () => {
  server = await startServer({ args: ['--default-watch-cache-size', '20'] });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'abort-listeners-test' });
  await client.create<Namespace>(RESOURCES.namespaces, { metadata: { name: NS } });
  await client.create<ConfigMap>(RESOURCES.configmaps, { metadata: { name: 'one', namespace: NS } });
});
after(async () => {
  client?.close();
  await server?.stop();
});

function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** How the watches of a RecordingClient end. */
interface WatchShape {
  /** Watch from this resourceVersion instead of the informer's. */
  resourceVersion?: string;
  /** The client stops each stream as soon as it opens. */
  stopAtOnce?: boolean;
}

/** Records, at each watch the informer opens, the listener count on the signal it passes. */
class RecordingClient extends RestClient {
  readonly counts: number[] = [];
  lists = 0;

  constructor(private readonly shape: WatchShape) {
    super(loadKubeconfig(server.kubeconfig));
  }

  override list<T extends ApiObject>(...a: Parameters<RestClient['list']>): Promise<ObjectList<T>> {
    this.lists++;
    return super.list<T>(...a);
  }

  override async watch<T extends ApiObject>(res: ResourceDescriptor, opts: WatchOptions = {}): Promise<WatchStream<T>> {
    if (opts.signal) this.counts.push(abortListeners(opts.signal));
    const rv = this.shape.resourceVersion;
    const stream = await super.watch<T>(res, rv ? { ...opts, resourceVersion: rv } : opts);
    if (this.shape.stopAtOnce) setImmediate(() => stream.stop());
    return stream;
  }
}

/** Runs an informer over `c` until it has watched REWATCHES + 1 times; the listener counts at each watch. */
async function rewatchMany(c: RecordingClient): Promise<number[]> {
  const inf = new Informer<ConfigMap>(c, RESOURCES.configmaps, { namespace: NS, backoff: { initialMs: 1, maxMs: 2 } });
  inf.start();
  try {
    await eventually(() => c.counts.length > REWATCHES, 60_000, `${REWATCHES} re-watches`);
    return [...c.counts];
  } finally {
    await inf.stop();
    c.close();
  }
}

function assertFlat(counts: number[]): void {
  assert.equal(counts.at(-1), counts[3], `listeners at each watch: ${counts.join(',')}`);
  assert.ok(counts.at(-1)! <= 1, `listeners at each watch: ${counts.join(',')}`);
}

test('the informer signal stays flat across re-watches the server ends with a 410', async (t) => {
  // Push the watch window (20 events) past resourceVersion 2.
  for (let i = 0; i < 25; i++) await client.patch(RESOURCES.configmaps, 'one', { data: { v: String(i) } }, { namespace: NS });
  const c = new RecordingClient({ resourceVersion: '2' });
  const counts = await rewatchMany(c);
  assert.ok(c.lists > REWATCHES, `relisted after each 410 (${c.lists} lists)`);
  assertFlat(counts);
  t.diagnostic(`410 re-watches: ${counts.length}, listeners at watch 4: ${counts[3]}, at the last: ${counts.at(-1)}`);
});

test('the informer signal stays flat across re-watches the client ends, each after a back-off sleep', async (t) => {
  const counts = await rewatchMany(new RecordingClient({ stopAtOnce: true }));
  assertFlat(counts);
  t.diagnostic(`client-ended re-watches: ${counts.length}, listeners at watch 4: ${counts[3]}, at the last: ${counts.at(-1)}`);
});

test('watches the server ends at their timeoutSeconds take their listeners off the caller signal', async () => {
  const ac = new AbortController();
  setMaxListeners(REWATCHES, ac.signal);
  const streams = await Promise.all(Array.from({ length: REWATCHES }, () =>
    client.watch(RESOURCES.configmaps, { namespace: NS, timeoutSeconds: 1, signal: ac.signal })));
  assert.equal(abortListeners(ac.signal), REWATCHES, 'one listener per open watch');
  await Promise.all(streams.map(async (s) => { for await (const _ of s) { /* until the server ends it */ } }));
  await eventually(() => abortListeners(ac.signal) === 0, 5000, 'listeners gone after the server ended the watches');
});

test('a watch aborted by its signal ends, and one refused by the server leaves no listener', async () => {
  const ac = new AbortController();
  const stream = await client.watch(RESOURCES.configmaps, { namespace: NS, signal: ac.signal });
  const done = (async () => { for await (const _ of stream) { /* until aborted */ } })();
  ac.abort();
  await done;
  assert.equal(stream.ended, true);
  await assert.rejects(client.watch(RESOURCES.configmaps, { namespace: NS, signal: ac.signal }), { name: 'AbortError' });
  const other = new AbortController();
  await assert.rejects(client.watch(resourceDescriptor('example.com', 'v1', 'widgets'), { signal: other.signal }), { code: 404 });
  await eventually(() => abortListeners(other.signal) === 0, 5000, 'no listener after a refused watch');
});

test('waitForSync leaves no listener behind: on the informer signal, the caller signal, or the factory caller signal', async () => {
  const c = new RecordingClient({});
  const inf = new Informer<ConfigMap>(c, RESOURCES.configmaps, { namespace: NS });
  const caller = new AbortController();
  setMaxListeners(REWATCHES, caller.signal);
  inf.start();
  const waits = Array.from({ length: REWATCHES }, () => inf.waitForSync(caller.signal));
  assert.equal(abortListeners(caller.signal), REWATCHES, 'waiting before the sync');
  assert.ok((await Promise.all(waits)).every(Boolean));
  assert.equal(abortListeners(caller.signal), 0, 'none once synced');
  for (let i = 0; i < REWATCHES; i++) assert.equal(await inf.waitForSync(caller.signal), true);
  assert.equal(abortListeners(caller.signal), 0, 'none after waits on a synced informer');
  await eventually(() => c.counts.length > 0, 5000, 'the informer watches');
  // Once watching, its signal holds that watch's listener only.
  assert.equal(abortListeners(inf['abort'].signal), 1);

  const aborted = new AbortController();
  setMaxListeners(REWATCHES, aborted.signal);
  const unstarted = new Informer<ConfigMap>(c, RESOURCES.configmaps, { namespace: NS });
  const early = Array.from({ length: REWATCHES }, () => unstarted.waitForSync(aborted.signal));
  aborted.abort();
  assert.deepEqual(new Set(await Promise.all(early)), new Set([false]));
  assert.equal(abortListeners(aborted.signal), 0);
  assert.equal(unstarted['syncWaiters'].size, 0, 'aborted waiters leave the informer');

  const factory = new InformerFactory(c, { namespace: NS });
  for (const r of [RESOURCES.configmaps, RESOURCES.secrets, RESOURCES.pods, RESOURCES.services, RESOURCES.serviceaccounts,
    RESOURCES.endpoints, RESOURCES.events, RESOURCES.limitranges, RESOURCES.resourcequotas, RESOURCES.persistentvolumeclaims,
    RESOURCES.replicasets, RESOURCES.deployments]) factory.forResource(r);
  factory.start();
  const factoryCaller = new AbortController();
  const synced = factory.waitForSync(factoryCaller.signal);
  assert.equal(abortListeners(factoryCaller.signal), 1, 'one listener for twelve informers');
  assert.equal(await synced, true);
  assert.equal(abortListeners(factoryCaller.signal), 0);
  await factory.stop();
  await inf.stop();
  c.close();
});

test('sleep takes its listener off when its timer fires', async () => {
  const ac = new AbortController();
  setMaxListeners(REWATCHES, ac.signal);
  for (let i = 0; i < REWATCHES; i++) await sleep(1, { signal: ac.signal });
  assert.equal(abortListeners(ac.signal), 0);
  const concurrent = Array.from({ length: REWATCHES }, () => sleep(5, { signal: ac.signal }));
  assert.equal(abortListeners(ac.signal), REWATCHES);
  await Promise.all(concurrent);
  assert.equal(abortListeners(ac.signal), 0);
});
