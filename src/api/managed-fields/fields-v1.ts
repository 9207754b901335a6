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
  return ENCODED.get(set) ?? emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): FieldsV1Json {
  const out: FieldsV1Json = {};
  let any = false;
  for (const n of set.sortedNodes()) {
    if (n.child) {
      const inner = emit(n.child, n.member);
      if (!n.member && Object.keys(inner).length === 0) continue;
      if (!any && includeSelf) out['.'] = {};
      out[n.key] = inner;
    } else {
      if (!any && includeSelf) out['.'] = {};
      out[n.key] = {};
    }
    any = true;
  }
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
  const state = { canonical: true };
  read(json, set, state);
  if (state.canonical) ENCODED.set(set, json as FieldsV1Json);
  return set;
}

/**
 * Sets decoded from JSON that is exactly what encodeFieldsV1 would write, to
 * that JSON: a manager whose fields a write leaves alone is not re-encoded.
 * Sets are immutable once built, so the pairing stays true.
 */
const ENCODED = new WeakMap<FieldSet, FieldsV1Json>();

/**
 * Reads `json` into `into`; returns whether the node is a member (has "." or
 * no children). Clears `state.canonical` when re-encoding would differ.
 */
function read(json: unknown, into: FieldSet, state: { canonical: boolean }): boolean {
  if (!isObject(json)) throw new FieldsV1DecodeError('fieldsV1 values must be JSON objects');
  let isMember = false, hasChildren = false;
  let prev: PathElement | undefined;
  let first = true;
  for (const [k, v] of Object.entries(json)) {
    if (k === '.') {
      if (!first) state.canonical = false;
      isMember = true;
      first = false;
      continue;
    }
    first = false;
    let pe;
    try {
      pe = deserializePathElement(k);
    } catch (e) {
      if (e instanceof PathElementSyntaxError) throw new FieldsV1DecodeError(`parsing key as path element: ${e.message}`);
      throw e;
    }
    if (pe === undefined) { state.canonical = false; continue; }
    if (state.canonical && (k !== serializePathElement(pe) || (prev !== undefined && comparePathElements(prev, pe) >= 0))) state.canonical = false;
    prev = pe;
    hasChildren = true;
    const child = new FieldSet();
    const childIsMember = read(v, child, state);
    if (childIsMember) into.insertMember(pe);
    if (!child.empty()) into.attachChild(pe, child);
  }
  if (isMember && !hasChildren) state.canonical = false;
  return isMember || !hasChildren;
}
