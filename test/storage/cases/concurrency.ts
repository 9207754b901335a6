import assert from 'node:assert/strict';
import { ConflictError, type KeyValue } from '../../../src/storage/store.js';
import type { StoreCase } from './case.js';
import { enc, inParallel, record, text } from './helpers.js';

export const concurrencyCases: StoreCase[] = [
  {
    name: '50 concurrent writers racing update() on one key all land, one winner per revision',
    async run(store) {
      const start = await store.create('/cas/counter', enc('0'));
      const rec = record(store, '/cas/', start.modRevision);
      const wins = await inParallel(50, 50, async () => {
        let cur: KeyValue = (await store.get('/cas/counter'))!;
        for (;;) {
          try {
            return (await store.update('/cas/counter', enc(String(Number(text(cur.value)) + 1)), cur.modRevision)).modRevision;
          } catch (err) {
            if (!(err instanceof ConflictError)) throw err;
            cur = err.current;
          }
        }
      });
      assert.equal(text((await store.get('/cas/counter'))!.value), '50');
      assert.equal(new Set(wins).size, 50, 'each revision has exactly one winner');
      await rec.until(() => rec.events.length >= 50);
      const values = rec.events.map((e) => text(e.kv.value));
      assert.deepEqual(values, Array.from({ length: 50 }, (_, i) => String(i + 1)));
      let prev = start.modRevision;
      for (const e of rec.events) {
        assert.equal(e.prevKv?.modRevision, prev, 'each update replaced the revision before it');
        prev = e.revision;
      }
      assert.deepEqual(rec.events.map((e) => e.revision), [...wins].sort((a, b) => a - b));
      rec.watcher.stop();
    },
  },
  {
    name: 'many concurrent creates get distinct revisions',
    async run(store) {
      const kvs = await Promise.all(Array.from({ length: 500 }, (_, i) => store.create(`/many/${i}`, enc(`${i}`))));
      const revs = kvs.map((kv) => kv.modRevision);
      assert.equal(new Set(revs).size, 500);
      assert.equal(await store.count('/many/'), 500);
      assert.equal(await store.currentRevision(), Math.max(...revs));
      const dupes = await Promise.allSettled(Array.from({ length: 20 }, () => store.create('/many/same', enc('x'))));
      assert.equal(dupes.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one create of a key wins');
    },
  },
];
