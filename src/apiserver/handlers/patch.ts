/**
 * Applies a PATCH body to the current object (in the served version): JSON
 * patch, JSON merge patch, or strategic merge patch guided by the kind's
 * OpenAPI definition and upstream's patch metadata.
 */
import type { ResourceDef } from '../../api/resources.js';
import type { KubeObject } from '../../api/object.js';
import { unsupportedMediaType } from '../../api/errors.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge-patch.js';
import { schemaFromDefinitions, type OpenApiSchema } from '../../api/patch/patch-schema.js';
import { getDefinitions } from '../../api/openapi/index.js';
import { kindDefinition } from '../kind-definitions.js';
import type { DecodedBody } from './body.js';

export function applyPatch(def: ResourceDef, current: KubeObject, body: DecodedBody): unknown {
  switch (body.format) {
    case 'json-patch': return applyJsonPatch(current, body.value);
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
