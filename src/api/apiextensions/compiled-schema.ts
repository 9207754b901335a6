/**
 * The custom-resource schema engine for one CRD version: compile the
 * version's openAPIV3Schema once, then prune, default and validate every
 * object of that version with it. Upstream's request order is
 * prune -> defaults -> (admission) -> validate.
 */
import type { FieldError } from '../field-errors.js';
import { applySchemaDefaults, pruneNonNullableNulls } from './defaults.js';
import { validateListSetsAndMaps } from './list-type.js';
import { toOpenApiSchema, type OpenApiSchema } from './openapi.js';
import { pruneUnknownFields } from './prune.js';
import type { SchemaGroupVersionKind } from '../openapi/schema.js';
import type { JSONSchemaProps } from './types.js';
import { newValueValidator, type ValueValidator } from './validator.js';

export interface CompiledSchema {
  /** The schema this was compiled from (do not mutate). */
  readonly schema: JSONSchemaProps;

  /**
   * Removes, in place, the fields the schema does not specify (apiVersion,
   * kind and metadata always stay at the root) and returns their paths
   * (`spec.foo`, `spec.items[0].bar`) for fieldValidation Strict/Warn.
   */
  prune(obj: Record<string, unknown>): string[];

  /**
   * Applies the schema's defaults in place (after pruning; on create, update
   * and read). Drops non-nullable nulls that have no default first.
   */
  applyDefaults(obj: Record<string, unknown>): void;

  /**
   * Upstream-phrased errors of `obj` against the schema, then the
   * set/map-list uniqueness errors. Root metadata is left to ObjectMeta
   * validation. Never mutates.
   */
  validate(obj: unknown): FieldError[];

  /** The schema as published in OpenAPI (see toOpenApiSchema). */
  toOpenApiSchema(gvk?: SchemaGroupVersionKind): OpenApiSchema;
}

/**
 * Compiles a CRD version's openAPIV3Schema (undefined: preserve everything,
 * validate nothing). Compile once per CRD version and reuse; throws only for
 * a schema CRD validation would have refused.
 */
export function compileSchema(schema: JSONSchemaProps | undefined): CompiledSchema {
  const s: JSONSchemaProps = schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const validator: ValueValidator = newValueValidator(s);
  return {
    schema: s,
    prune: (obj) => pruneUnknownFields(obj, s, true),
    applyDefaults(obj) {
      pruneNonNullableNulls(obj, s);
      applySchemaDefaults(obj, s);
    },
    validate(obj) {
      return [...validator.validate(obj), ...validateListSetsAndMaps(obj, s)];
    },
    toOpenApiSchema: (gvk) => toOpenApiSchema(schema, gvk ? { gvk } : {}),
  };
}
