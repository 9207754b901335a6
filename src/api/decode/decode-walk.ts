/**
 * The walk of a request body against a DecodeNode tree: finds what a typed
 * JSON decode would refuse (the first value whose JSON type does not fit the
 * field's Go type) and what it would drop (unknown fields), in one pass.
 * This runs on every write, so it allocates nothing on a valid body beyond
 * its path stack.
 */
import { isPlainObject } from '../object.js';
import type { DecodeNode } from './decode-node.js';
import { describeValue, type TypeMismatch } from './type-mismatch.js';

export interface DecodeOutcome {
  /** Paths of the unknown fields that were removed (`spec.foo`, `spec.containers[0].bar`, `metadata.labels[k].x`), in document order. */
  unknown: string[];
  /** The first value, in document order, whose type does not fit; the body is left partly normalized then. */
  mismatch?: TypeMismatch;
}

const FIELD = 0;
const INDEX = 1;
const KEY = 2;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_LIMIT = 9223372036854775808;

/** Where the walk is: the path from the root, as field names, list indices and map keys. */
class DecodePath {
  readonly parts: (string | number)[] = [];
  readonly kinds: number[] = [];

  push(part: string | number, kind: number): void {
    this.parts.push(part);
    this.kinds.push(kind);
  }

  pop(): void {
    this.parts.pop();
    this.kinds.pop();
  }

  /** The path of field `name` here, as unknown fields are reported. */
  child(name: string): string {
    let s = '';
    for (let i = 0; i < this.parts.length; i++) {
      const k = this.kinds[i];
      if (k === FIELD) s += s ? `.${this.parts[i]}` : this.parts[i];
      else s += `[${this.parts[i]}]`;
    }
    return s ? `${s}.${name}` : name;
  }
}

/**
 * Walks `body` (an object) against `root` (an object node). Unknown fields
 * and nulls are normalized where the nodes say so (see DecodeNode.normalize).
 * `kind` names the struct of object nodes that have none (custom resources).
 * Stops at the first mismatch.
 */
export function decodeWalk(root: DecodeNode, body: Record<string, unknown>, kind: string): DecodeOutcome {
  const path = new DecodePath();
  const unknown: string[] = [];
  const bad = walk(root, body, path, unknown);
  if (bad === undefined) return { unknown };
  return { unknown, mismatch: mismatchAt(root, path, kind, bad.value, bad.node) };
}

interface Bad { value: unknown; node: DecodeNode }

/** Returns the first value that does not fit, leaving `path` where it was found. */
function walk(n: DecodeNode, v: unknown, path: DecodePath, unknown: string[]): Bad | undefined {
  switch (n.kind) {
    case 'any': return undefined;
    case 'string': return typeof v === 'string' ? undefined : { value: v, node: n };
    case 'bool': return typeof v === 'boolean' ? undefined : { value: v, node: n };
    case 'float': return typeof v === 'number' ? undefined : { value: v, node: n };
    case 'quantity': return typeof v === 'string' || typeof v === 'number' ? undefined : { value: v, node: n };
    case 'int32': return typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? undefined : { value: v, node: n };
    case 'int64': return typeof v === 'number' && Number.isInteger(v) && v >= -INT64_LIMIT && v < INT64_LIMIT ? undefined : { value: v, node: n };
    case 'intOrString': return typeof v === 'string' ? undefined : walk(n.elem!, v, path, unknown);
    case 'array': {
      if (!Array.isArray(v)) return { value: v, node: n };
      const item = n.elem!;
      for (let i = 0; i < v.length; i++) {
        if (v[i] === null) {
          if (n.normalize) v[i] = zeroOf(item);
          continue;
        }
        path.push(i, INDEX);
        const bad = walk(item, v[i], path, unknown);
        if (bad) return bad;
        path.pop();
      }
      return undefined;
    }
    case 'map': {
      if (!isPlainObject(v)) return { value: v, node: n };
      const value = n.elem!;
      for (const k in v) {
        if (v[k] === null) {
          if (n.normalize) v[k] = zeroOf(value);
          continue;
        }
        path.push(k, KEY);
        const bad = walk(value, v[k], path, unknown);
        if (bad) return bad;
        path.pop();
      }
      return undefined;
    }
    case 'object': {
      if (!isPlainObject(v)) return { value: v, node: n };
      const fields = n.fields;
      if (!fields) return undefined;
      for (const k in v) {
        const f = fields.get(k);
        if (f === undefined) {
          if (n.normalize) {
            unknown.push(path.child(k));
            delete v[k];
          }
          continue;
        }
        if (v[k] === null) {
          // A typed decode turns null into the zero value, which is then omitted.
          if (n.normalize) delete v[k];
          continue;
        }
        path.push(k, FIELD);
        const bad = walk(f, v[k], path, unknown);
        if (bad) return bad;
        path.pop();
      }
      return undefined;
    }
  }
}

function zeroOf(n: DecodeNode): unknown {
  if (n.kind === 'object') return {};
  return n.zero ?? null;
}

/**
 * The mismatch as Go reports it: the struct is the one that declares the
 * innermost field on the path (found by following the path from the root),
 * the field path leaves out list indices and map keys.
 */
function mismatchAt(root: DecodeNode, path: DecodePath, kind: string, value: unknown, node: DecodeNode): TypeMismatch {
  let n: DecodeNode | undefined = root;
  let struct = root.struct ?? kind;
  const fields: string[] = [];
  for (let i = 0; i < path.parts.length && n; i++) {
    const part = path.parts[i];
    if (path.kinds[i] === FIELD) {
      struct = n.struct ?? kind;
      fields.push(String(part));
      n = n.fields?.get(String(part));
    } else {
      n = n.elem;
    }
  }
  const integral = node.kind === 'int32' || node.kind === 'int64';
  return { value: describeValue(value, integral && typeof value === 'number'), struct, field: fields.join('.'), goType: node.goType };
}
