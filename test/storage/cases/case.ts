import type { Store } from '../../../src/storage/store.js';

/** One conformance case: gets a fresh, empty store (closed by the runner afterwards). */
export interface StoreCase {
  name: string;
  run: (store: Store) => Promise<void>;
}
