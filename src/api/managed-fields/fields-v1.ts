/**
 * The FieldsV1 wire form of a FieldSet (upstream fieldpath/serialize.go): a
 * JSON trie whose keys are serialized path elements; `{}` marks a member
 * leaf and `".": {}` marks a node that is both a member and has children.
 */
import { FieldSet } from './field-set.js';
import type { PathElement } from './path-element.js';
import { comparePathElements, deserializePathElement, PathElementSyntaxError, serializePathElement } from './path-element.js';
import { isObject } from './value.js';

/** The JSON value of `fieldsV1`. */
export interface FieldsV1Json { [key: string]: FieldsV1Json }

/** Encodes with keys in upstream order (members and children interleaved by path element order). */
export function encodeFieldsV1(set: FieldSet): FieldsV1Json {
  return emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): FieldsV1Json {
  const out: FieldsV1Json = {};
  const ms = set.members(), cs = set.children();
  if (includeSelf && (ms.length > 0 || cs.length > 0)) out['.'] = {};
  const nodes = new Map<string, { pe: PathElement; member: boolean; child?: FieldSet }>();
  for (const m of ms) nodes.set(serializePathElement(m), { pe: m, member: true });
  for (const c of cs) {
    const k = serializePathElement(c.pe);
    nodes.set(k, { pe: c.pe, member: nodes.has(k), child: c.set });
  }
  const sorted = [...nodes.entries()].sort((a, b) => comparePathElements(a[1].pe, b[1].pe));
  for (const [k, n] of sorted) out[k] = n.child ? emit(n.child, n.member) : {};
  return out;
}

/** Thrown when fieldsV1 is not a valid FieldsV1 trie. */
export class FieldsV1DecodeError extends Error {}

/**
 * Decodes a FieldsV1 object. Unknown key prefixes are dropped (as upstream);
 * malformed keys or non-object values throw FieldsV1DecodeError.
 */
export function decodeFieldsV1(json: unknown): FieldSet {
  if (!isObject(json)) throw new FieldsV1DecodeError('fieldsV1 must be a JSON object');
  const set = new FieldSet();
  read(json, set);
  return set;
}

/** Reads `json` into `into`; returns whether the node is a member (has "." or no children). */
function read(json: unknown, into: FieldSet): boolean {
  if (!isObject(json)) throw new FieldsV1DecodeError('fieldsV1 values must be JSON objects');
  let isMember = false, hasChildren = false;
  for (const [k, v] of Object.entries(json)) {
    if (k === '.') { isMember = true; continue; }
    let pe;
    try {
      pe = deserializePathElement(k);
    } catch (e) {
      if (e instanceof PathElementSyntaxError) throw new FieldsV1DecodeError(`parsing key as path element: ${e.message}`);
      throw e;
    }
    if (pe === undefined) continue;
    hasChildren = true;
    const child = new FieldSet();
    const childIsMember = read(v, child);
    if (childIsMember) into.insertMember(pe);
    if (!child.empty()) {
      const target = into.childFor(pe);
      for (const p of child.paths()) target.insert(p);
    }
  }
  return isMember || !hasChildren;
}
