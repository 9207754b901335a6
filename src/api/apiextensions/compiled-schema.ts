/**
 * The custom-resource schema engine for one CRD version: compile the
 * version's openAPIV3Schema once, then type-check, prune, default and
 * validate every object of that version with it. Upstream's request order is
 * prune -> defaults -> (admission) -> validate; the type check before them is
 * k8ts' own (upstream finds wrong types in validation, with a 422).
 */
import type { FieldError } from '../field-errors.js';
import { decodeWalk, type DecodeOutcome } from '../decode/index.js';
import { customResourceNode } from './decode-types.js';
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
   * The type check that comes before everything else (see decodeWalk): the
   * first value whose JSON type the schema's type cannot hold, with `kind`
   * as the Go struct, and the unknown fields of metadata (decoded as
   * ObjectMeta), which are removed. Other unknown fields and nulls are left
   * to prune and applyDefaults.
   */
  checkTypes(obj: Record<string, unknown>, kind: string): DecodeOutcome;

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
  const node = customResourceNode(s);
  return {
    schema: s,
    checkTypes: (obj, kind) => decodeWalk(node, obj, kind),
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
