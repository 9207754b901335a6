/**
 * Protocol buffer messages for the runtime's gRPC services, from .proto files
 * shipped beside the code (npm run build copies them into dist/). Field names
 * become camelCase; enums travel as their names; int64 fields are numbers
 * (nanosecond timestamps lose sub-microsecond precision, which nothing reads);
 * bytes are Buffers; absent scalars read as their zero value and absent
 * messages as undefined, as in Go.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** Turns one message type to and from its wire bytes. */
export interface MessageCodec<T> {
  serialize(value: T): Buffer;
  deserialize(bytes: Buffer): T;
}

const TO_OBJECT: protobuf.IConversionOptions = {
  enums: String, longs: Number, defaults: true, arrays: true, objects: true,
};

/**
 * Parses .proto files (given as file URLs) into one resolved root. Imports
 * of google/protobuf/*.proto come from protobufjs's bundled copies; other
 * imports must name one of `files` by its base name.
 */
export function loadProtos(files: URL[]): protobuf.Root {
  const root = new protobuf.Root();
  const given = new Set(files.map((f) => basename(f.pathname)));
  for (const f of files) {
    const text = readFileSync(fileURLToPath(f), 'utf8');
    const parsed = protobuf.parse(text, root, { keepCase: false });
    for (const imp of parsed.imports ?? []) {
      if (!imp.startsWith('google/protobuf/') && !given.has(imp)) throw new Error(`${f.pathname}: import ${imp} is not among the loaded files`);
    }
  }
  for (const name of ['timestamp', 'empty', 'field_mask']) {
    const common = protobuf.common.get(`google/protobuf/${name}.proto`);
    if (common?.nested) root.addJSON(common.nested);
  }
  root.resolveAll();
  return root;
}

/** The codec of a message type, by fully qualified name; throws when absent. */
export function messageCodec<T>(root: protobuf.Root, fullName: string): MessageCodec<T> {
  const type = root.lookupType(fullName);
  return {
    serialize: (value) => Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish()),
    deserialize: (bytes) => dropNulls(type.toObject(type.decode(bytes), TO_OBJECT)) as T,
  };
}

/** protobufjs reports an absent message field as null; the TS types say undefined. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (const x of v) dropNulls(x);
  } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (o[k] === null) delete o[k];
      else dropNulls(o[k]);
    }
  }
  return v;
}
