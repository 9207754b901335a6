/**
 * Template hashes (upstream's controller.ComputeHash): a short, stable name
 * suffix for a pod template plus a collision count, used as the
 * `pod-template-hash` label of Deployments' ReplicaSets and the names of
 * DaemonSet and StatefulSet ControllerRevisions. FNV-1a (32-bit) over the
 * template's canonical JSON (keys sorted, nulls dropped), then upstream's SafeEncodeString
 * alphabet (no vowels, so no words). Values differ from upstream's (which
 * hashes a Go-specific dump), but are as stable: same template, same hash.
 */

/** Keys sorted; null and undefined fields dropped (kubectl's JSON sends `creationTimestamp: null`, its protobuf does not). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && x !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(s, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** upstream's rand.SafeEncodeString: each character mapped into a vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let s = canonical(template);
  if (collisionCount !== undefined && collisionCount !== null) s += `\u0000${collisionCount}`;
  return safeEncodeString(String(fnv32a(s)));
}
