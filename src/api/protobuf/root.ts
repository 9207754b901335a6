/**
 * The protobufjs reflection root for every embedded package, built once on
 * first use. Field options of the schema (see ./schema/) are read here.
 */
import protobuf from 'protobufjs';
import { PROTO_SOURCES } from './schema/index.js';

let root: protobuf.Root | undefined;

/** The resolved root holding every message of ./schema/. */
export function protobufRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  for (const src of PROTO_SOURCES) protobuf.parse(src, r, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** The message type by fully qualified name (no leading dot); throws when absent. */
export function messageType(fullName: string): protobuf.Type {
  return protobufRoot().lookupType(fullName);
}

/** True when a zero value of this scalar field is meaningful (Go pointer, or no `omitempty`). */
export function keepsZero(field: protobuf.Field): boolean {
  return field.options?.['(keep_zero)'] === true;
}

/** True when the field is a Go struct embedded inline: its JSON merges into the parent. */
export function isInline(field: protobuf.Field): boolean {
  return field.options?.['(inline)'] === true;
}

/** The field's name in the JSON form. */
export function jsonName(field: protobuf.Field): string {
  const n = field.options?.['(json)'];
  return typeof n === 'string' ? n : field.name;
}
