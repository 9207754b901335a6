/**
 * Field paths into an object, for stage selectors: `.a.b` steps into
 * objects, `["x/y.z"]` names a key with dots or slashes, and `[type=Ready]`
 * picks the first list element whose field equals the value.
 */

export type PathStep = { kind: 'key'; key: string } | { kind: 'find'; field: string; value: string };

/** Parses a path; throws with the offending position on bad syntax. */
export function parseFieldPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  const fail = (why: string): never => { throw new Error(`invalid field path ${JSON.stringify(path)} at ${i}: ${why}`); };
  if (path[0] !== '.') fail('must start with "."');
  while (i < path.length) {
    if (path[i] === '.') {
      const m = /^[A-Za-z0-9_-]+/.exec(path.slice(i + 1));
      if (!m) fail('expected a field name after "."');
      steps.push({ kind: 'key', key: m![0] });
      i += 1 + m![0].length;
    } else if (path.startsWith('["', i)) {
      const end = path.indexOf('"]', i + 2);
      if (end < 0) fail('unterminated ["...');
      steps.push({ kind: 'key', key: path.slice(i + 2, end) });
      i = end + 2;
    } else if (path[i] === '[') {
      const m = /^\[([A-Za-z0-9_-]+)=([^\]]*)\]/.exec(path.slice(i));
      if (!m) fail('expected [field=value]');
      steps.push({ kind: 'find', field: m![1]!, value: m![2]! });
      i += m![0].length;
    } else {
      fail(`unexpected ${JSON.stringify(path[i])}`);
    }
  }
  return steps;
}

/** The value at `steps`, or undefined when any step is missing. */
export function valueAt(obj: unknown, steps: readonly PathStep[]): unknown {
  let cur: unknown = obj;
  for (const s of steps) {
    if (cur === null || cur === undefined) return undefined;
    if (s.kind === 'key') {
      if (typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[s.key];
    } else {
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((e) => typeof e === 'object' && e !== null && String((e as Record<string, unknown>)[s.field]) === s.value);
    }
  }
  return cur;
}
