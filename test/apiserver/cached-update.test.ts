/**
 * Updates start from the watch cache's copy of the object (upstream's
 * cachedExistingObject) and let the store's compare-and-swap prove it
 * current. A copy that is behind the store must never decide anything: the
 * tests put a stale copy in the cache (the lag is too short to catch on
 * purpose) and check that the store's state wins every time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { WatchCache } from '../../src/apiserver/watch/watch-cache.js';
import { GenericStore } from '../../src/apiserver/registry/generic-store.js';
import { BUILTIN_RESOURCES, findResource } from '../../src/api/resources.js';
import { deepClone, type WithMeta } from '../../src/api/object.js';
import { StatusError } from '../../src/api/errors.js';

const def = findResource(BUILTIN_RESOURCES, '', 'v1', 'configmaps')!;

async function setup(): Promise<{ reg: GenericStore; cache: WatchCache; key: string; store: MemoryStore }> {
  const store = new MemoryStore();
  const cache = new WatchCache(store, '/registry/');
  await cache.start([def.storage.prefix]);
  const reg = new GenericStore(def, { validate: () => [] }, store, cache);
  return { reg, cache, store, key: `${def.storage.prefix}default/cm` };
}

async function cached(cache: WatchCache, key: string, rv: string): Promise<WithMeta> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const o = cache.resource(def.storage.prefix)!.objects.get(key);
    if (o?.metadata.resourceVersion === rv) return o;
    if (Date.now() > deadline) throw new Error(`cache never reached ${rv}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Creates cm at v1, updates it to v2 (data.k), and puts the v1 copy back into the cache. */
async function staleCache(): Promise<{ reg: GenericStore; v1: WithMeta; v2: WithMeta; cache: WatchCache; key: string; store: MemoryStore }> {
  const s = await setup();
  const v1 = await s.reg.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'v1' } } as WithMeta);
  const stale = deepClone(await cached(s.cache, s.key, v1.metadata.resourceVersion!));
  const { object: v2 } = await s.reg.guaranteedUpdate('default', 'cm', (cur) => ({ ...cur, data: { k: 'v2' } } as WithMeta));
  await cached(s.cache, s.key, v2.metadata.resourceVersion!);
  s.cache.resource(def.storage.prefix)!.objects.set(s.key, stale);
  return { ...s, v1, v2 };
}

test('an update from a stale cached copy is retried from the store and keeps its changes', async () => {
  const { reg, v2 } = await staleCache();
  const seen: string[] = [];
  const { object } = await reg.guaranteedUpdate('default', 'cm', (cur) => {
    seen.push((cur as unknown as { data: { k: string } }).data.k);
    return { ...cur, metadata: { ...cur.metadata, labels: { a: 'b' } } };
  });
  assert.deepEqual(seen, ['v1', 'v2'], 'first attempt from the cache, second from the store');
  assert.equal((object as unknown as { data: { k: string } }).data.k, 'v2');
  assert.deepEqual(object.metadata.labels, { a: 'b' });
  assert.ok(Number(object.metadata.resourceVersion) > Number(v2.metadata.resourceVersion));
});

test('a resourceVersion precondition that matches the store passes though the cache is behind', async () => {
  const { reg, v2 } = await staleCache();
  const { object } = await reg.guaranteedUpdate('default', 'cm', (cur) => ({ ...cur, data: { k: 'v3' }, metadata: { ...cur.metadata, resourceVersion: v2.metadata.resourceVersion } } as WithMeta));
  assert.equal((object as unknown as { data: { k: string } }).data.k, 'v3');
});

test('a stale precondition is still a 409 Conflict', async () => {
  const { reg, v1 } = await staleCache();
  await assert.rejects(
    reg.guaranteedUpdate('default', 'cm', (cur) => ({ ...cur, data: { k: 'v3' }, metadata: { ...cur.metadata, resourceVersion: v1.metadata.resourceVersion } } as WithMeta)),
    (e: unknown) => e instanceof StatusError && e.code === 409 && e.reason === 'Conflict',
  );
});

test('no-op or not is decided against the store, not the stale copy', async () => {
  const { reg, v2, store } = await staleCache();
  const before = await store.currentRevision();
  // data.k = v2: a change against the stale copy (v1), nothing against the store.
  const same = await reg.guaranteedUpdate('default', 'cm', (cur) => ({ ...cur, data: { k: 'v2' } } as WithMeta));
  assert.equal(same.object.metadata.resourceVersion, v2.metadata.resourceVersion, 'the store\'s object, no new write');
  assert.equal(await store.currentRevision(), before);
  // data.k = v1: nothing against the stale copy, a change against the store.
  const { cache, key } = { cache: (reg as unknown as { cache: WatchCache }).cache, key: `${def.storage.prefix}default/cm` };
  const stale = deepClone(cache.resource(def.storage.prefix)!.objects.get(key)!);
  stale.metadata.resourceVersion = v2.metadata.resourceVersion === '1' ? '0' : String(Number(v2.metadata.resourceVersion) - 1);
  (stale as unknown as { data: { k: string } }).data.k = 'v1';
  cache.resource(def.storage.prefix)!.objects.set(key, stale);
  const changed = await reg.guaranteedUpdate('default', 'cm', (cur) => ({ ...cur, data: { k: 'v1' } } as WithMeta));
  assert.equal((changed.object as unknown as { data: { k: string } }).data.k, 'v1');
  assert.ok(await store.currentRevision() > before, 'written');
});

test('an error decided from the stale copy is decided again from the store', async () => {
  const { reg } = await staleCache();
  const { object } = await reg.guaranteedUpdate('default', 'cm', (cur) => {
    if ((cur as unknown as { data: { k: string } }).data.k !== 'v2') throw new Error('saw an old state');
    return { ...cur, data: { k: 'v3' } } as WithMeta;
  });
  assert.equal((object as unknown as { data: { k: string } }).data.k, 'v3');
});

test('an object deleted from the store but still cached: 404, or created when the update may create', async () => {
  const { reg, store, key, cache } = await staleCache();
  const stale = cache.resource(def.storage.prefix)!.objects.get(key)!;
  await reg.delete('default', 'cm');
  await new Promise((r) => setTimeout(r, 50));
  cache.resource(def.storage.prefix)!.objects.set(key, stale);
  await assert.rejects(
    reg.guaranteedUpdate('default', 'cm', (cur) => ({ ...cur, data: { k: 'x' } } as WithMeta)),
    (e: unknown) => e instanceof StatusError && e.code === 404,
  );
  cache.resource(def.storage.prefix)!.objects.set(key, stale);
  const { object, created } = await reg.guaranteedUpdate('default', 'cm',
    (cur) => ({ ...(cur ?? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } }), data: { k: 'new' } } as WithMeta), { allowCreate: true });
  assert.equal(created, true);
  assert.equal((object as unknown as { data: { k: string } }).data.k, 'new');
  assert.ok(await store.get(key));
});
