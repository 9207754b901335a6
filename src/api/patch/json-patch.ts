/**
 * RFC 6902 JSON patch (`application/json-patch+json`), applied with
 * fast-json-patch. Failures become the Statuses upstream's patch handler
 * returns: an undecodable patch is 400 BadRequest; more than 10000 operations
 * is 413; an operation that cannot be applied (missing path, failed test,
 * unknown op, copies that would grow the object by more than 3 MiB in all) is
 * 422 "the server rejected our request due to an error in our request" whose
 * cause carries evanphx/json-patch's message.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { deepClone, deepEqual, isPlainObject } from '../object.js';
import { patchMalformed, patchRejected, tooManyPatchOperations } from './patch-errors.js';

/** upstream's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * upstream's JSONPatchMaxCopyBytes: what all `copy` operations of one patch
 * may add together, so a few copies of a value into itself cannot grow the
 * object exponentially.
 */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * Applies `patch` to `doc` and returns the result. Never mutates `doc` or
 * `patch`. Throws a StatusError (400, 413 or 422) as described above.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw patchMalformed(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isPlainObject(op)) {
      throw patchMalformed(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooManyPatchOperations(MAX_JSON_PATCH_OPERATIONS, patch.length);
  }
  let current = deepClone(doc);
  let copied = 0;
  for (const raw of patch as Record<string, unknown>[]) {
    const failure = checkOperation(current, raw);
    if (failure !== undefined) throw patchRejected(failure);
    if (raw.op === 'copy') {
      copied += copySize(current, raw.from as string);
      if (copied > MAX_JSON_PATCH_COPY_BYTES) {
        throw patchRejected(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`);
      }
    }
    try {
      current = jsonpatch.applyOperation(current, deepClone(raw) as unknown as Operation, true, true).newDocument;
    } catch (err) {
      throw patchRejected(err instanceof Error ? err.message : String(err), err);
    }
  }
  return current;
}

/** The bytes (as JSON) a copy from `from` adds; `from` is a pointer checkOperation found. */
function copySize(doc: unknown, from: string): number {
  const found = lookup(doc, pointerTokens(from)!);
  if (!found.found) return 0;
  try {
    return Buffer.byteLength(JSON.stringify(found.value) ?? '');
  } catch {
    throw patchRejected(`copy operation does not apply: the value at ${from} is nested too deeply to copy`);
  }
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Splits an RFC 6901 pointer; undefined when it is not one. */
function pointerTokens(path: string): string[] | undefined {
  if (path === '') return [];
  if (!path.startsWith('/')) return undefined;
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Lookup = { found: true; value: unknown } | { found: false };

function lookup(doc: unknown, tokens: string[]): Lookup {
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) return { found: false };
      cur = cur[Number(t)];
    } else if (isPlainObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, t)) return { found: false };
      cur = cur[t];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

const MISSING = 'missing value';

/**
 * Predicts the failure of one operation with evanphx/json-patch's wording
 * (what the apiserver reports), or undefined when it applies.
 */
function checkOperation(doc: unknown, op: Record<string, unknown>): string | undefined {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  if (!OPS.has(kind)) return `Unexpected kind: ${kind}`;
  const path = typeof op.path === 'string' ? op.path : undefined;
  const tokens = path === undefined ? undefined : pointerTokens(path);
  if (path === undefined || tokens === undefined) return `${kind} operation failed to decode path: ${MISSING}`;
  if ((kind === 'add' || kind === 'replace' || kind === 'test') && !('value' in op)) {
    return `${kind} operation failed to decode value: ${MISSING}`;
  }
  const parentTokens = tokens.slice(0, -1);
  const key = tokens[tokens.length - 1];
  const parent = lookup(doc, parentTokens);
  const container = parent.found ? parent.value : undefined;
  const isContainer = Array.isArray(container) || isPlainObject(container);
  switch (kind) {
    case 'add':
      if (tokens.length === 0) return undefined;
      if (!isContainer) return `add operation does not apply: doc is missing path: "${path}": ${MISSING}`;
      if (Array.isArray(container) && key !== '-') {
        const idx = Number(key);
        if (!/^-?[0-9]+$/.test(key) || idx > container.length || idx < 0) {
          return `error in add for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`;
        }
      }
      return undefined;
    case 'remove':
      if (!isContainer) return `remove operation does not apply: doc is missing path: "${path}": ${MISSING}`;
      if (!lookup(doc, tokens).found) {
        return Array.isArray(container)
          ? `error in remove for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`
          : `error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: ${MISSING}`;
      }
      return undefined;
    case 'replace':
      if (tokens.length === 0) return undefined;
      if (!isContainer) return `replace operation does not apply: doc is missing path: ${path}: ${MISSING}`;
      if (!lookup(doc, tokens).found) return `replace operation does not apply: doc is missing key: ${path}: ${MISSING}`;
      return undefined;
    case 'move':
    case 'copy': {
      const from = typeof op.from === 'string' ? pointerTokens(op.from) : undefined;
      if (from === undefined) return `${kind} operation failed to decode from: ${MISSING}`;
      if (!lookup(doc, from).found) return `${kind} operation does not apply: doc is missing from path: ${String(op.from)}: ${MISSING}`;
      if (tokens.length > 0 && !isContainer) {
        return `${kind} operation does not apply: doc is missing destination path: ${path}: ${MISSING}`;
      }
      return undefined;
    }
    case 'test': {
      const found = lookup(doc, tokens);
      if (!found.found) {
        return op.value === null ? undefined : `testing value ${path} failed: test failed`;
      }
      return deepEqual(found.value, op.value) ? undefined : `testing value ${path} failed: test failed`;
    }
    default:
      return undefined;
  }
}
