/**
 * Owners confirmed absent by a live lookup, keyed by coordinates (a uid seen
 * absent at one namespace/name may still exist elsewhere, so the uid alone is
 * not a key). A uid never comes back once gone, so entries never go stale;
 * the cache is bounded and forgets the least recently used (upstream's
 * absentOwnerCache, an LRU of 500).
 */
import { coordinatesKey, type ObjectIdentity } from './identity.js';

export class AbsentOwnerCache {
  private readonly keys = new Map<string, true>();

  /** @param max entries kept. @default 500 */
  constructor(private readonly max = 500) {}

  add(id: ObjectIdentity): void {
    const k = coordinatesKey(id);
    this.keys.delete(k);
    this.keys.set(k, true);
    if (this.keys.size > this.max) this.keys.delete(this.keys.keys().next().value!);
  }

  has(id: ObjectIdentity): boolean {
    const k = coordinatesKey(id);
    if (!this.keys.has(k)) return false;
    this.keys.delete(k);
    this.keys.set(k, true);
    return true;
  }
}
