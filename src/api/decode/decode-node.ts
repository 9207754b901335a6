/**
 * What a typed decode expects at one place of a body: the compiled form of a
 * schema (the built-in OpenAPI definitions, or a CRD's structural schema)
 * that the decode walk runs over. Nodes are built once and shared; never
 * change one after it is built.
 */

/**
 * `any` takes every value (RawExtension, preserve-unknown-fields);
 * `intOrString` a string or what its `elem` takes; `quantity` a string or a
 * number; `int32`/`int64` integral numbers in range; `float` any number.
 */
export type DecodeKind = 'any' | 'object' | 'map' | 'array' | 'string' | 'int32' | 'int64' | 'float' | 'bool' | 'intOrString' | 'quantity';

export interface DecodeNode {
  kind: DecodeKind;
  /** The Go type named when a value does not fit (`[]v1.Container`, `int32`). */
  goType: string;
  /** The Go type as part of an enclosing type (`[]v1.Time`), when not goType (a Time refuses a number as a `string`). */
  typeName?: string;
  /** object: the Go struct that declares `fields`; undefined for custom resources (their kind is named instead). */
  struct?: string;
  /** object: the known fields; undefined when the object declares none (any field is taken, unchecked). */
  fields?: Map<string, DecodeNode>;
  /** array: the item; map: the value; intOrString: the integer arm. */
  elem?: DecodeNode;
  /**
   * Whether the walk leaves the body as a typed decode would give it back:
   * unknown fields removed (and reported), null fields dropped, null items
   * and map values replaced by their type's zero value. False for custom
   * resources, whose pruning and nulls are their schema's business.
   */
  normalize: boolean;
  /** The zero value a null item or map value becomes when normalizing; undefined keeps null (objects get a fresh `{}`). */
  zero?: string | number | boolean;
}

/** The Go type of `n` as part of an enclosing type (`[]<this>`, `map[string]<this>`). */
export function typeNameOf(n: DecodeNode): string {
  return n.typeName ?? n.goType;
}

/** The leaves every tree shares (frozen). */
export const LEAF = Object.freeze({
  any: Object.freeze<DecodeNode>({ kind: 'any', goType: 'interface {}', normalize: true }),
  string: Object.freeze<DecodeNode>({ kind: 'string', goType: 'string', normalize: true, zero: '' }),
  int32: Object.freeze<DecodeNode>({ kind: 'int32', goType: 'int32', normalize: true, zero: 0 }),
  int64: Object.freeze<DecodeNode>({ kind: 'int64', goType: 'int64', normalize: true, zero: 0 }),
  float: Object.freeze<DecodeNode>({ kind: 'float', goType: 'float64', normalize: true, zero: 0 }),
  bool: Object.freeze<DecodeNode>({ kind: 'bool', goType: 'bool', normalize: true, zero: false }),
});
