import { describe, it } from 'node:test';
import type { Store } from '../../src/storage/store.js';
import type { StoreCase } from './cases/case.js';
import { compactionCases } from './cases/compaction.js';
import { concurrencyCases } from './cases/concurrency.js';
import { crudCases } from './cases/crud.js';
import { listCases } from './cases/list.js';
import { watchCases } from './cases/watch.js';

export interface ConformanceOptions {
  name: string;
  /** Returns a new, empty store; the suite closes it after each case. */
  newStore: () => Promise<Store>;
  /** Case name to the reason it is skipped for this backend; the reason is printed. */
  skip?: Record<string, string>;
}

const GROUPS: Record<string, StoreCase[]> = {
  crud: crudCases,
  list: listCases,
  watch: watchCases,
  compaction: compactionCases,
  concurrency: concurrencyCases,
};

/** The storage contract's behaviour, run against one backend (Hono's common.case.test.ts pattern). */
export function runStoreConformance(opts: ConformanceOptions): void {
  const known = new Set(Object.values(GROUPS).flat().map((c) => c.name));
  for (const name of Object.keys(opts.skip ?? {})) {
    if (!known.has(name)) throw new Error(`${opts.name}: skip names an unknown case: ${name}`);
  }
  describe(`Store conformance: ${opts.name}`, () => {
    for (const [group, cases] of Object.entries(GROUPS)) {
      describe(group, () => {
        for (const c of cases) {
          const reason = opts.skip?.[c.name];
          it(c.name, { skip: reason ?? false, timeout: 60_000 }, async () => {
            const store = await opts.newStore();
            try {
              await c.run(store);
            } finally {
              await store.close();
            }
          });
        }
      });
    }
  });
}
