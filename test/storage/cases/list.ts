import assert from 'node:assert/strict';
import type { KeyValue, Store } from '../../../src/storage/store.js';
import type { StoreCase } from './case.js';
import { enc, text } from './helpers.js';

const view = (items: KeyValue[]): string[] => items.map((kv) => `${kv.key}=${text(kv.value)}`);

async function pageAll(store: Store, prefix: string, limit: number, revision?: number) {
  const pages: { keys: string[]; more: boolean; remaining?: number; revision: number }[] = [];
  let startKey: string | undefined;
  let rev = revision;
  for (;;) {
    const r = await store.list(prefix, { limit, startKey, revision: rev });
    rev = r.revision;
    pages.push({ keys: r.items.map((kv) => kv.key), more: r.more, remaining: r.remaining, revision: r.revision });
    if (!r.more) return pages;
    assert.equal(r.items.length, limit, 'a page followed by more is full');
    startKey = `${r.items[r.items.length - 1]!.key}\0`;
  }
}

export const listCases: StoreCase[] = [
  {
    name: 'list returns the keys under the prefix in key order at the current revision',
    async run(store) {
      for (const k of ['/p/pods/b', '/p/pods/a', '/p/pods-x/a', '/p/pod', '/p/pods/c/d', '/q/pods/a']) await store.create(k, enc(k));
      await store.delete('/p/pods/c/d');
      const r = await store.list('/p/pods/');
      assert.deepEqual(r.items.map((kv) => kv.key), ['/p/pods/a', '/p/pods/b']);
      assert.equal(r.revision, await store.currentRevision());
      assert.equal(r.more, false);
      assert.deepEqual((await store.list('/p/')).items.map((kv) => kv.key), ['/p/pod', '/p/pods-x/a', '/p/pods/a', '/p/pods/b']);
      assert.equal((await store.list('')).items.length, 5);
      assert.deepEqual((await store.list('/none/')).items, []);
    },
  },
  {
    name: 'list at an older revision is a snapshot unaffected by later updates, deletes and creates',
    async run(store) {
      const a = await store.create('/s/a', enc('a1'));
      await store.create('/s/b', enc('b1'));
      await store.create('/s/c', enc('c1'));
      const rev = await store.currentRevision();
      await store.update('/s/a', enc('a2'), a.modRevision);
      await store.delete('/s/b');
      await store.create('/s/d', enc('d1'));
      await store.delete('/s/c');
      await store.create('/s/c', enc('c2'));
      const old = await store.list('/s/', { revision: rev });
      assert.equal(old.revision, rev);
      assert.deepEqual(view(old.items), ['/s/a=a1', '/s/b=b1', '/s/c=c1']);
      assert.equal(old.items[0]!.modRevision, a.modRevision);
      assert.deepEqual(view((await store.list('/s/')).items), ['/s/a=a2', '/s/c=c2', '/s/d=d1']);
      const mid = await store.list('/s/', { revision: rev + 2 });
      assert.deepEqual(view(mid.items), ['/s/a=a2', '/s/c=c1']);
    },
  },
  {
    name: 'paging with limit and startKey covers every key exactly once, with more and remaining',
    async run(store) {
      const keys = Array.from({ length: 25 }, (_, i) => `/pg/k${String(i).padStart(2, '0')}`);
      for (const k of keys) await store.create(k, enc('v'));
      await store.create('/pg-other', enc('v'));
      const pages = await pageAll(store, '/pg/', 7);
      assert.deepEqual(pages.flatMap((p) => p.keys), keys);
      assert.deepEqual(pages.map((p) => p.more), [true, true, true, false]);
      assert.deepEqual(pages.slice(0, 3).map((p) => p.remaining), [18, 11, 4]);
      assert.ok(pages[3]!.remaining === undefined || pages[3]!.remaining === 0);
      const exact = await store.list('/pg/', { limit: 25 });
      assert.equal(exact.more, false);
      assert.equal(exact.items.length, 25);
    },
  },
  {
    name: 'paging at a fixed revision ignores writes made between pages',
    async run(store) {
      const keys = Array.from({ length: 20 }, (_, i) => `/pg/k${String(i).padStart(2, '0')}`);
      const created = [];
      for (const k of keys) created.push(await store.create(k, enc('v1')));
      const first = await store.list('/pg/', { limit: 5 });
      const seen = first.items.map((kv) => kv.key);
      let startKey = `${seen[seen.length - 1]}\0`;
      let i = 0;
      for (;;) {
        await store.update(keys[19 - i]!, enc('v2'), created[19 - i]!.modRevision);
        await store.delete(keys[10 + i]!);
        await store.create(`/pg/k${String(i).padStart(2, '0')}x`, enc('new'));
        i++;
        const r = await store.list('/pg/', { limit: 5, startKey, revision: first.revision });
        assert.equal(r.revision, first.revision);
        assert.ok(r.items.every((kv) => text(kv.value) === 'v1'));
        seen.push(...r.items.map((kv) => kv.key));
        if (!r.more) break;
        startKey = `${r.items[r.items.length - 1]!.key}\0`;
      }
      assert.deepEqual(seen, keys);
    },
  },
  {
    name: 'count counts the live keys under the prefix',
    async run(store) {
      assert.equal(await store.count('/n/'), 0);
      for (let i = 0; i < 5; i++) await store.create(`/n/${i}`, enc('v'));
      await store.create('/nn/x', enc('v'));
      await store.delete('/n/3');
      assert.equal(await store.count('/n/'), 4);
      assert.equal(await store.count(''), 5);
    },
  },
];
