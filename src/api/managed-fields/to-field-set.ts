/**
 * The set of fields present in an object (upstream typed ToFieldSet): scalars,
 * atomic lists and maps, list items, map keys that are not declared struct
 * fields, and struct fields whose value is null or `{}`.
 */
import { FieldSet } from './field-set.js';
import { listItemElement } from './list-items.js';
import type { FieldPath } from './path-element.js';
import { pathToString } from './path-element.js';
import type { FieldType } from './types.js';
import { shapeOf, UNTYPED_ATOMIC } from './types.js';
import type { JsonValue } from './value.js';
import { isObject } from './value.js';

/** A value that does not fit its schema; `message` is upstream's `<path>: <reason>`. */
export class FieldTypeError extends Error {}

export interface ToFieldSetOptions {
  /** Throw FieldTypeError for undeclared fields and unnameable list items (apply configs); otherwise treat them as leaves. @default false */
  strict?: boolean;
}

export function toFieldSet(value: JsonValue, type: FieldType, opts: ToFieldSetOptions = {}): FieldSet {
  const set = new FieldSet();
  walk(value, type, [], set, opts.strict ?? false);
  return set;
}

function walk(v: JsonValue, t: FieldType, path: FieldPath, set: FieldSet, strict: boolean): void {
  const shape = shapeOf(t, v);
  if (shape.kind === 'leaf') { set.insert(path); return; }
  if (shape.kind === 'map') {
    if (!isObject(v)) return;
    for (const [k, child] of Object.entries(v)) {
      const declared = shape.type.field(k);
      let ft = declared ?? shape.type.elements();
      const p = [...path, { field: k }];
      if (!ft) {
        if (strict) throw new FieldTypeError(`${pathToString(p)}: field not declared in schema`);
        ft = UNTYPED_ATOMIC;
      }
      walk(child, ft, p, set, strict);
      if (child === null || (isObject(child) && Object.keys(child).length === 0) || !declared) set.insert(p);
    }
    return;
  }
  if (!Array.isArray(v)) return;
  const seen = new Set<string>();
  for (const item of v) {
    const pe = listItemElement(shape.type, item);
    if (typeof pe === 'string') {
      if (strict) throw new FieldTypeError(`${pathToString(path)}: ${pe}`);
      continue;
    }
    const p = [...path, pe];
    if (strict) {
      const k = pathToString([pe]);
      if (seen.has(k)) throw new FieldTypeError(`${pathToString(path)}: duplicate entries for key ${k}`);
      seen.add(k);
    }
    walk(item, shape.type.items(), p, set, strict);
    set.insert(p);
  }
}
