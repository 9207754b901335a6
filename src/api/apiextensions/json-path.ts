/**
 * The two JSONPath dialects CRDs use:
 * - simple paths (`.spec.replicas`), for the scale subresource's
 *   specReplicasPath/statusReplicasPath/labelSelectorPath: read and written
 *   with getPath/setPath;
 * - kubectl's JSONPath, filter-free (`.status.conditions[0].type`,
 *   `.spec.containers[*].name`, `.metadata.labels['app.kubernetes.io/name']`,
 *   optionally wrapped in `{}`), for additionalPrinterColumns: evaluated with
 *   findResults.
 */
import { isPlainObject } from '../object.js';

/** One step of a parsed path: a field name, an array index, or `[*]` / `.*`. */
export type PathStep = { field: string } | { index: number } | { wildcard: true };

/**
 * Parses a filter-free kubectl JSONPath (`{.a.b[0]['c.d'][*]}`). Throws an
 * Error naming the problem on syntax it does not support.
 */
export function parseJsonPath(path: string): PathStep[] {
  let s = path.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const steps: PathStep[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      i++;
      if (s[i] === '*') { steps.push({ wildcard: true }); i++; continue; }
      let name = '';
      while (i < s.length && s[i] !== '.' && s[i] !== '[') {
        if (s[i] === '\\' && i + 1 < s.length) { name += s[i + 1]; i += 2; continue; }
        name += s[i++];
      }
      if (name !== '') steps.push({ field: name });
      continue;
    }
    if (c === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in ${JSON.stringify(path)}`);
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ wildcard: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ field: inner.slice(1, -1) });
      else throw new Error(`unsupported JSONPath expression [${inner}] in ${JSON.stringify(path)}`);
      continue;
    }
    throw new Error(`unexpected ${JSON.stringify(c)} at ${i} in ${JSON.stringify(path)}`);
  }
  return steps;
}

/**
 * Every value `steps` reaches in `obj`, in document order. Missing fields and
 * out-of-range indexes yield nothing (kubectl's allowMissingKeys); a negative
 * index counts from the end.
 */
export function findResults(obj: unknown, steps: readonly PathStep[]): unknown[] {
  let cur: unknown[] = [obj];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('field' in step) {
        if (isPlainObject(v) && Object.hasOwn(v, step.field)) next.push(v[step.field]);
      } else if ('index' in step) {
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (Array.isArray(v)) next.push(...v);
      else if (isPlainObject(v)) next.push(...Object.values(v));
    }
    cur = next;
  }
  return cur;
}

/** The field names of a simple path (`.spec.replicas` -> ['spec', 'replicas']); '.' is the root. */
function simpleSteps(path: string): string[] {
  if (!path.startsWith('.')) throw new Error(`must be a simple json path starting with .: ${JSON.stringify(path)}`);
  return path === '.' ? [] : path.slice(1).split('.');
}

/** The value at a simple path, or undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of simpleSteps(path)) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/**
 * Sets the value at a simple path, creating the objects on the way. Throws
 * when a step on the way holds something other than an object.
 */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = simpleSteps(path);
  if (keys.length === 0) throw new Error('cannot set the root');
  let cur: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    const v = cur[k];
    if (v === undefined || v === null) cur = (cur[k] = {}) as Record<string, unknown>;
    else if (isPlainObject(v)) cur = v;
    else throw new Error(`${path}: ${k} is not an object`);
  }
  cur[keys[keys.length - 1]] = value;
}
