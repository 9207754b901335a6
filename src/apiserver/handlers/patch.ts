/**
 * Applies a PATCH body to the current object (in the served version): JSON
 * patch, JSON merge patch, or strategic merge patch guided by the kind's
 * OpenAPI definition and upstream's patch metadata.
 */
import type { ResourceDef } from '../../api/resources.js';
import type { KubeObject } from '../../api/object.js';
import { invalid, unsupportedMediaType } from '../../api/errors.js';
import { invalidValue } from '../../api/field-errors.js';
import { MAX_NESTING_DEPTH, nestedDeeperThan } from './nesting-depth.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge-patch.js';
import { schemaFromDefinitions, type OpenApiSchema } from '../../api/patch/patch-schema.js';
import { getDefinitions } from '../../api/openapi/index.js';
import { kindDefinition } from '../kind-definitions.js';
import type { DecodedBody } from './body.js';

/**
 * The patched object. A JSON patch can nest deeper than its own body (its
 * paths reach into what earlier operations added); past MAX_NESTING_DEPTH the
 * result is refused as upstream refuses a patched object it cannot decode:
 * 422 Invalid on the field "patch".
 */
export function applyPatch(def: ResourceDef, current: KubeObject, body: DecodedBody): unknown {
  switch (body.format) {
    case 'json-patch': {
      const patched = applyJsonPatch(current, body.value);
      if (nestedDeeperThan(patched)) {
        throw invalid({ group: '', resource: '', kind: '' }, [invalidValue('patch', printable(patched), `exceeded max depth of ${MAX_NESTING_DEPTH} levels of nesting`)]);
      }
      return patched;
    }
    case 'merge-patch': return applyMergePatch(current, body.value);
    case 'strategic-merge-patch': {
      const root = kindDefinition(def);
      if (!root) throw unsupportedMediaType('application/strategic-merge-patch+json');
      const schema = schemaFromDefinitions(getDefinitions() as Record<string, OpenApiSchema>, root);
      return applyStrategicMergePatch(current, body.value, schema);
    }
    default:
      throw unsupportedMediaType(`application/${body.format}`);
  }
}

/** The start of `value` as JSON, for a message; too deep to print is said so. */
function printable(value: unknown): string {
  try {
    const json = JSON.stringify(value);
    return json.length > 256 ? `${json.slice(0, 256)}...` : json;
  } catch {
    return '(too deeply nested to print)';
  }
}
