/**
 * Merges strategic-merge-patch and server-side-apply metadata (merge keys, list
 * and map types) into definitions, as the `x-kubernetes-patch-*` and
 * `x-kubernetes-list-*` / `x-kubernetes-map-type` extensions upstream puts on
 * each property.
 */
import type { Definitions, Schema } from './schema.js';

/** Metadata of one field, as upstream's struct tags and `+listType` markers give it. */
export interface FieldPatchMeta {
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: readonly string[];
  mapType?: string;
}

/**
 * Definition name to field name to metadata: structurally the shape of
 * `PATCH_META` in src/api/patch/patch-meta.ts. A key without dots (`PodSpec`)
 * applies to every definition with that short name.
 */
export type PatchMetaTable = Readonly<Record<string, Readonly<Record<string, FieldPatchMeta>>>>;

/**
 * Returns a copy of `defs` with `table` merged in. Only touched definitions
 * and properties are copied; the input is never mutated. Entries naming an
 * unknown definition or property are returned in `unmatched` (as
 * `Definition.field`) so callers can report them; they are otherwise ignored.
 */
export function applyPatchMeta(defs: Definitions, table: PatchMetaTable): { definitions: Record<string, Schema>; unmatched: string[] } {
  const out: Record<string, Schema> = { ...defs };
  const unmatched: string[] = [];
  const byShortName = new Map<string, string[]>();
  for (const name of Object.keys(defs)) {
    const short = name.slice(name.lastIndexOf('.') + 1);
    const list = byShortName.get(short);
    if (list) list.push(name); else byShortName.set(short, [name]);
  }
  for (const [key, fields] of Object.entries(table)) {
    const targets = defs[key] ? [key] : key.includes('.') ? [] : (byShortName.get(key) ?? []);
    if (targets.length === 0) {
      for (const field of Object.keys(fields)) unmatched.push(`${key}.${field}`);
      continue;
    }
    for (const defName of targets) {
      const def = out[defName]!;
      const properties = { ...def.properties };
      for (const [field, meta] of Object.entries(fields)) {
        const prop = properties[field];
        if (!prop) { unmatched.push(`${defName}.${field}`); continue; }
        properties[field] = withMeta(prop, meta);
      }
      out[defName] = { ...def, properties };
    }
  }
  return { definitions: out, unmatched };
}

function withMeta(prop: Schema, meta: FieldPatchMeta): Schema {
  const p: Schema = { ...prop };
  if (meta.patchStrategy !== undefined) p['x-kubernetes-patch-strategy'] = meta.patchStrategy;
  if (meta.patchMergeKey !== undefined) p['x-kubernetes-patch-merge-key'] = meta.patchMergeKey;
  if (meta.listType !== undefined) p['x-kubernetes-list-type'] = meta.listType;
  if (meta.listMapKeys !== undefined) p['x-kubernetes-list-map-keys'] = [...meta.listMapKeys];
  if (meta.mapType !== undefined) p['x-kubernetes-map-type'] = meta.mapType;
  return p;
}
