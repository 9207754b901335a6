/**
 * Server-side field validation: finds the fields of a request body that the
 * kind's schema does not know, and removes them (a typed decode drops them
 * upstream), together with known fields set to null. The handler turns the
 * list of unknown fields into a Strict error or Warn warnings.
 */
import type { KubeObject } from '../api/object.js';
import { isPlainObject } from '../api/object.js';
import type { ResourceDef } from '../api/resources.js';
import { getDefinitions, refTarget, type Definitions, type Schema } from '../api/openapi/index.js';
import { kindDefinition } from './kind-definitions.js';

export class FieldValidator {
  /** Paths (`spec.foo`, `spec.containers[0].bar`) of unknown fields, which are removed from obj. */
  unknownFields(def: ResourceDef, obj: KubeObject): string[] {
    const root = kindDefinition(def);
    if (!root) return [];
    const defs = getDefinitions();
    const out: string[] = [];
    walk(defs, defs[root], obj, '', out);
    return out;
  }
}
function resolve(defs: Definitions, s: Schema | undefined): Schema | undefined {
  let cur = s;
  for (let i = 0; cur && i < 20; i++) {
    const ref = cur.$ref ?? cur.allOf?.[0]?.$ref;
    if (!ref) return cur;
    const t = refTarget(ref);
    cur = t ? defs[t] : undefined;
  }
  return cur;
}

function walk(defs: Definitions, schema: Schema | undefined, value: unknown, path: string, out: string[]): void {
  const s = resolve(defs, schema);
  if (!s || s['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(defs, s.items, v, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(value)) return;
  if (s.properties) {
    for (const k of Object.keys(value)) {
      const p = s.properties[k];
      const child = path ? `${path}.${k}` : k;
      // A typed decode turns null into the zero value, which is then omitted.
      if (value[k] === null && p) { delete value[k]; continue; }
      if (!p) {
        out.push(child);
        delete value[k];
        continue;
      }
      walk(defs, p, value[k], child, out);
    }
  } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    for (const k of Object.keys(value)) walk(defs, s.additionalProperties, value[k], `${path}[${k}]`, out);
  }
}
