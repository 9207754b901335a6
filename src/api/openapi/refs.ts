/**
 * Walking `$ref`s: which definitions a set of roots needs, and rewriting a
 * Swagger 2.0 schema into its OpenAPI 3.0 form.
 */
import { COMPONENTS_REF_PREFIX, DEFINITIONS_REF_PREFIX, refTarget, type Definitions, type Schema } from './schema.js';

/**
 * Calls `visit` with the target name of every `$ref` inside `value` (any JSON
 * value: a schema, a path item, a whole document). Only string-valued `$ref`
 * keys count, so a property *named* `$ref` (JSONSchemaProps has one) is not
 * mistaken for a reference.
 */
export function forEachRef(value: unknown, visit: (target: string, ref: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) forEachRef(v, visit);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        const target = refTarget(v);
        if (target !== undefined) visit(target, v);
      } else {
        forEachRef(v, visit);
      }
    }
  }
}

/**
 * The names of `roots` and of every definition reachable from them, in
 * sorted order. Names missing from `defs` are included (so that callers can
 * detect them) but not followed.
 */
export function reachableDefinitions(defs: Definitions, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const def = defs[name];
    if (def) forEachRef(def, (target) => { if (!seen.has(target)) stack.push(target); });
  }
  return [...seen].sort();
}

/**
 * The OpenAPI 3.0 form of a Swagger 2.0 schema, as upstream publishes it:
 * references point at `#/components/schemas/`, and a `$ref` with siblings
 * (a description, patch extensions) becomes `allOf: [{$ref}]` beside them,
 * since OpenAPI 3.0 ignores a `$ref`'s siblings. The input is not mutated.
 */
export function toOpenApiV3Schema(schema: Schema): Schema {
  return convert(schema) as Schema;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (typeof value !== 'object' || value === null) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const ref = typeof src['$ref'] === 'string' ? src['$ref'] : undefined;
  for (const [k, v] of Object.entries(src)) {
    if (k === '$ref' && ref !== undefined) continue;
    // A property named `$ref` holds an object, never a string, so it is recursed into like any other.
    out[k] = convert(v);
  }
  if (ref === undefined) return out;
  const v3Ref = ref.startsWith(DEFINITIONS_REF_PREFIX) ? COMPONENTS_REF_PREFIX + ref.slice(DEFINITIONS_REF_PREFIX.length) : ref;
  if (Object.keys(out).length === 0) return { $ref: v3Ref };
  return { allOf: [{ $ref: v3Ref }], ...out };
}
