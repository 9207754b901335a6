/** Patch formats the apiserver accepts: JSON patch, JSON merge patch, strategic merge patch. */
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
export { schemaFromDefinitions } from './patch-schema.js';
export type { OpenApiSchema, PatchSchema } from './patch-schema.js';
export { PATCH_META } from './patch-meta.js';
export type { FieldPatchMeta, PatchMetaTable, PatchStrategy } from './patch-meta.js';
