/**
 * The watch cache's fan-out with many watchers (past the coalescing
 * threshold): unfiltered watchers share each window's bytes, filtered ones get
 * their own, a watcher that joins mid-window gets only the events after its
 * start, and one that stops buffering is dropped without disturbing the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { MATCH_ALL, WatchCache, type WatchEventType, type WatchSink } from '../../src/apiserver/watch/watch-cache.js';
import { encodeStored } from '../../src/apiserver/watch/stored-object.js';
import type { WithMeta } from '../../src/api/object.js';

const PREFIX = '/registry/configmaps/';

interface TestSink extends WatchSink { lines(): { type: string; name: string; rv: string }[]; closed?: string; writes: number }

function sink(opts: { buffered?: () => number } = {}): TestSink {
  const chunks: Buffer[] = [];
  const s: TestSink = {
    encodingId: 'json|v1',
    writes: 0,
    encode: (type: WatchEventType | 'BOOKMARK', obj: WithMeta) => Buffer.from(JSON.stringify({ type, object: obj }) + '\n'),
    write: (c) => { s.writes++; chunks.push(...c); return opts.buffered?.() ?? 0; },
    close: (reason) => { s.closed = reason; },
    lines: () => Buffer.concat(chunks).toString().split('\n').filter(Boolean).map((l) => {
      const e = JSON.parse(l) as { type: string; object: WithMeta };
      return { type: e.type, name: e.object.metadata.name!, rv: e.object.metadata.resourceVersion! };
    }),
  };
  return s;
}

const cm = (ns: string, name: string, labels: Record<string, string> = {}): Uint8Array =>
  encodeStored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { k: name } });

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('many watchers: shared windows, filters, mid-window joins and a dropped slow watcher', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, '/registry/', { maxBufferedBytes: 1000 });
  await cache.start([PREFIX]);
  const rc = cache.resource(PREFIX)!;
  const start = cache.processedRevision;

  const all = Array.from({ length: 100 }, () => sink());
  for (const s of all) rc.watch(PREFIX, MATCH_ALL, s, start);
  const nsB = sink();
  rc.watch(`${PREFIX}b/`, MATCH_ALL, nsB, start);
  const labelled = sink();
  rc.watch(PREFIX, (o) => o.metadata.labels?.pick === 'yes', labelled, start);
  let slowBuffered = 0;
  const slow = sink({ buffered: () => slowBuffered });
  rc.watch(PREFIX, MATCH_ALL, slow, start);

  await store.create(`${PREFIX}a/one`, cm('a', 'one'));
  await store.create(`${PREFIX}b/two`, cm('b', 'two', { pick: 'yes' }));
  await until(() => cache.processedRevision >= start + 2, 'the cache to apply two creates');
  // Joins after two events were dispatched, likely before the window flushed.
  const late = sink();
  rc.watch(PREFIX, MATCH_ALL, late, cache.processedRevision);
  slowBuffered = 5000;
  await store.create(`${PREFIX}a/three`, cm('a', 'three', { pick: 'yes' }));
  const one = await store.get(`${PREFIX}a/one`);
  await store.update(`${PREFIX}a/one`, cm('a', 'one', { pick: 'yes' }), one!.modRevision);
  await until(() => all.every((s) => s.lines().length === 4) && late.lines().length === 2, 'every watcher to get its events');

  for (const s of all) {
    assert.deepEqual(s.lines().map((l) => `${l.type} ${l.name}`), ['ADDED one', 'ADDED two', 'ADDED three', 'MODIFIED one']);
    assert.ok(s.writes <= 4, `${s.writes} writes for 4 events`);
  }
  assert.deepEqual(all[0].lines().map((l) => Number(l.rv)), [start + 1, start + 2, start + 3, start + 4]);
  assert.deepEqual(late.lines().map((l) => `${l.type} ${l.name}`), ['ADDED three', 'MODIFIED one']);
  assert.deepEqual(nsB.lines().map((l) => `${l.type} ${l.name}`), ['ADDED two']);
  // The label filter sees objects enter its selection as ADDED.
  assert.deepEqual(labelled.lines().map((l) => `${l.type} ${l.name}`), ['ADDED two', 'ADDED three', 'ADDED one']);
  assert.match(slow.closed ?? '', /too slow/);

  // The dropped watcher gets nothing more; the others go on.
  const slowLines = slow.lines().length;
  await store.delete(`${PREFIX}b/two`);
  await until(() => all[99].lines().length === 5, 'the delete');
  assert.equal(all[99].lines()[4].type, 'DELETED');
  assert.equal(slow.lines().length, slowLines);
  cache.stop();
});
