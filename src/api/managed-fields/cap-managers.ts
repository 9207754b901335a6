/**
 * At most `max` Update entries (upstream capmanagers.go): the oldest are
 * merged, per apiVersion, into an `ancient-changes` Update entry.
 */
import { managerIdentifier } from './managers.js';
import type { Managers } from './managers.js';
import { compareStrings } from './value.js';
import { unixSeconds } from './managers.js';

/** Upstream DefaultMaxUpdateManagers. */
export const MAX_UPDATE_MANAGERS = 10;
/** The bucket manager name old updates are merged into. */
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';

/** Caps Update managers in place. */
export function capUpdateManagers(managers: Managers, max: number = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update').map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => {
    const ta = unixSeconds(managers.get(a)?.time), tb = unixSeconds(managers.get(b)?.time);
    return ta !== tb ? (ta < tb ? -1 : 1) : compareStrings(a, b);
  });
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const m = managers.get(id);
    if (!m) continue;
    const version = m.apiVersion;
    const bucket = managerIdentifier({ manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: version });
    const first = firstByVersion.get(version);
    if (first === undefined) { firstByVersion.set(version, id); continue; }
    if (!managers.has(bucket)) {
      const s = managers.get(first)!;
      managers.delete(first);
      managers.set(bucket, { ...s, manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: version, subresource: undefined });
    }
    const b = managers.get(bucket)!;
    managers.set(bucket, { ...b, set: m.set.union(b.set), ...(m.time !== undefined ? { time: m.time } : { time: undefined }) });
    managers.delete(id);
    length--;
  }
}
