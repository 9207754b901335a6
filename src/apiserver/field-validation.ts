/**
 * Server-side decoding of built-in kinds: a request body is walked against
 * its kind's OpenAPI definition for what upstream's typed JSON decode would
 * refuse (a value whose JSON type does not fit the field's Go type: a 400
 * before any defaulting) and drop (unknown fields, which the handler turns
 * into a Strict error or Warn warnings).
 */
import type { KubeObject } from '../api/object.js';
import type { ResourceDef } from '../api/resources.js';
import { cannotBeHandled, decodeWalk, definitionNode, type DecodeOutcome } from '../api/decode/index.js';
import { kindDefinition } from './kind-definitions.js';

type Gvk = Pick<ResourceDef, 'group' | 'version' | 'kind'>;

const UNCHECKED: DecodeOutcome = Object.freeze({ unknown: [] });

export class FieldValidator {
  /**
   * Checks `obj`, a body of kind `def`, as a typed decode would: reports the
   * first value whose JSON type does not fit (obj is then left partly
   * normalized) and the unknown fields, which are removed together with
   * known fields set to null; null list items and map values become their
   * type's zero value. A kind without a definition passes unchecked.
   */
  check(def: Gvk, obj: KubeObject): DecodeOutcome {
    const root = kindDefinition(def);
    if (!root) return UNCHECKED;
    return decodeWalk(definitionNode(root), obj, def.kind);
  }
}

/**
 * For bodies whose unknown fields are not reported (subresources such as
 * Scale, Binding, Eviction): throws the 400 BadRequest of the first type
 * mismatch; unknown fields are removed.
 */
export function assertDecodes(def: Gvk, obj: KubeObject): void {
  const { mismatch } = new FieldValidator().check(def, obj);
  if (mismatch) throw cannotBeHandled(def.kind, def.version, mismatch);
}
