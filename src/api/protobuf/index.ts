export { decodeKubernetesProtobuf } from './decode.js';
export type { DecodedObject } from './decode.js';
export { encodeKubernetesProtobuf } from './encode.js';
export { PROTOBUF_CONTENT_TYPE, PROTOBUF_MAGIC, hasProtobufMagic } from './envelope.js';
export { PROTOBUF_KINDS, lookupProtobufKind } from './kinds.js';
export type { ProtobufKind } from './kinds.js';
