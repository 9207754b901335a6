/**
 * The type source for field management (the seam upstream fills with
 * structured-merge-diff schemas): given a position, what kind of node sits
 * there. Built-in kinds use the OpenAPI resolver; schemaless objects use the
 * deduced one; CRDs will bring their own.
 */
import type { JsonValue } from './value.js';
import { isObject } from './value.js';

export type FieldType = ScalarType | MapType | ListType | UntypedType;

/** A leaf value (string, number, bool, int-or-string, quantity, time...). */
export interface ScalarType { readonly kind: 'scalar' }

/**
 * A struct (declared fields), a map (any key, one element type), or both.
 * Granular unless `atomic`: an atomic map is owned and replaced as one leaf.
 */
export interface MapType {
  readonly kind: 'map';
  readonly atomic: boolean;
  /** The type of a declared field; undefined when `name` is not declared. Must not throw. */
  field(name: string): FieldType | undefined;
  /** The type of keys that are not declared fields; undefined when such keys are not allowed. */
  elements(): FieldType | undefined;
  /**
   * Fields a typed object always carries, with their zero value (Go
   * non-pointer structs `{}`, non-omitempty slices `null`). Comparisons treat
   * a missing one as present with that value, so `"."` markers come out as
   * upstream's (which compares Go objects) does.
   */
  readonly implicit?: Readonly<Record<string, JsonValue>>;
}

/** A list: atomic (one leaf), set (items are `v:` scalars) or map (items keyed `k:` by `keys`). */
export interface ListType {
  readonly kind: 'list';
  readonly listType: 'atomic' | 'set' | 'map';
  /** Key field names of a map list, in declaration order. */
  readonly keys: readonly string[];
  /** Values for key fields an item omits (e.g. port protocol "TCP"). */
  readonly keyDefaults?: Readonly<Record<string, JsonValue>>;
  items(): FieldType;
}

/**
 * A type decided by the value (upstream's deduced type): objects are granular
 * maps of untyped values, arrays atomic lists, anything else a scalar. With
 * `atomic` the whole value is one leaf (RawExtension, unknown shapes).
 */
export interface UntypedType { readonly kind: 'untyped'; readonly atomic: boolean }

export interface TypeResolver {
  /** The type of a whole object of definition `root`; undefined when the resolver does not know it. */
  rootType(root: string): FieldType | undefined;
}

export const DEDUCED: UntypedType = { kind: 'untyped', atomic: false };
export const UNTYPED_ATOMIC: UntypedType = { kind: 'untyped', atomic: true };
export const SCALAR: ScalarType = { kind: 'scalar' };

/** Everything a granular map, lists atomic: for schemaless objects. */
export const deducedTypes: TypeResolver = { rootType: () => DEDUCED };

/** How a value at a position is walked: a leaf, a granular map, or a non-atomic list. */
export type Shape =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'map'; readonly type: MapType }
  | { readonly kind: 'list'; readonly type: ListType };

const LEAF: Shape = { kind: 'leaf' };
const DEDUCED_MAP: MapType = {
  kind: 'map', atomic: false, field: () => undefined, elements: () => DEDUCED,
};

/**
 * How `value` is walked at a position of type `t` (upstream deduceAtom +
 * handleAtom). A value that does not fit its type is treated as a leaf.
 */
export function shapeOf(t: FieldType, value: JsonValue | undefined): Shape {
  switch (t.kind) {
    case 'scalar': return LEAF;
    case 'map': return !t.atomic && (isObject(value) || value === null || value === undefined) ? { kind: 'map', type: t } : LEAF;
    case 'list': return t.listType !== 'atomic' && (Array.isArray(value) || value === null || value === undefined) ? { kind: 'list', type: t } : LEAF;
    case 'untyped': return !t.atomic && isObject(value) ? { kind: 'map', type: DEDUCED_MAP } : LEAF;
  }
}

/** The type of key `name` in a map, or undefined when it is not allowed. */
export function mapFieldType(t: MapType, name: string): FieldType | undefined {
  return t.field(name) ?? t.elements();
}
