/** The path element that names a list item (upstream typed/helpers.go listItemToPathElement). */
import type { PathElement } from './path-element.js';
import { keyElement } from './path-element.js';
import type { ListType } from './types.js';
import type { JsonValue } from './value.js';
import { isObject } from './value.js';

/** `k:` for map lists, `v:` for sets; a string error when the item cannot be named. */
export function listItemElement(t: ListType, item: JsonValue): PathElement | string {
  if (t.listType === 'set') return { value: item };
  if (t.listType !== 'map') return 'cannot use list item as path element for non-associative list';
  if (!isObject(item)) return 'value must be a map';
  const fields: Array<[string, JsonValue]> = [];
  for (const k of t.keys) {
    if (k in item) fields.push([k, item[k]]);
    else if (t.keyDefaults && k in t.keyDefaults) fields.push([k, t.keyDefaults[k]]);
  }
  if (fields.length === 0) {
    return "associative list with keys has an element that omits all key fields (and doesn't have default values for any key fields)";
  }
  return keyElement(fields);
}
