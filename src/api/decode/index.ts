/** What a typed JSON decode of a request body refuses and drops, checked before anything else reads the body. */
export { cannotBeHandled, describeValue, unmarshalTypeMessage } from './type-mismatch.js';
export type { TypeMismatch } from './type-mismatch.js';
export { LEAF, typeNameOf } from './decode-node.js';
export type { DecodeKind, DecodeNode } from './decode-node.js';
export { decodeWalk } from './decode-walk.js';
export type { DecodeOutcome } from './decode-walk.js';
export { definitionNode } from './definition-nodes.js';
