/** OpenAPI definitions of the Kubernetes API types, by upstream name. */
export { getDefinitions, readGeneratedDefinitions, unmatchedPatchMetaEntries } from './definitions.js';
export type { GeneratedDefinitions } from './definitions.js';
export { applyPatchMeta } from './patch-meta-merge.js';
export type { FieldPatchMeta, PatchMetaTable } from './patch-meta-merge.js';
export { forEachRef, reachableDefinitions, toOpenApiV3Schema } from './refs.js';
export { COMPONENTS_REF_PREFIX, DEFINITIONS_REF_PREFIX, refTarget } from './schema.js';
export type { Definitions, Schema, SchemaGroupVersionKind } from './schema.js';
