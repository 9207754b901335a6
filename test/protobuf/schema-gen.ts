/**
 * Generates src/api/protobuf/schema/*.ts: proto2 text for every message
 * reachable from the kinds in src/api/protobuf/kinds.ts, written from the
 * FileDescriptorProtos that kubectl 1.33 carries compiled in (gzipped, one per
 * upstream generated.proto; later kubectl releases dropped them). Only names,
 * numbers, types and labels are taken; no upstream prose. Fields whose zero
 * value is meaningful get `[(keep_zero) = true]` (see schema-facts.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { PROTOBUF_KINDS } from '../../src/api/protobuf/kinds.js';
import { INLINE_FIELDS, JSON_NAMES, POINTER_SCALARS } from './schema-facts.js';

interface FieldDesc { name: string; number: number; label: number; type: number; typeName?: string }
interface MessageDesc { name: string; field?: FieldDesc[]; nestedType?: MessageDesc[]; options?: { mapEntry?: boolean } }
interface FileDesc { name: string; package: string; messageType?: MessageDesc[] }

const require = createRequire(import.meta.url);

function fileDescriptorType(): protobuf.Type {
  const json = JSON.parse(readFileSync(require.resolve('protobufjs/google/protobuf/descriptor.json'), 'utf8')) as protobuf.INamespace;
  return protobuf.Root.fromJSON(json).lookupType('google.protobuf.FileDescriptorProto');
}

/** The generated.proto descriptors compiled into a Go binary, by file name. */
export function readDescriptors(binary: string): Map<string, FileDesc> {
  const buf = readFileSync(binary);
  const FDP = fileDescriptorType();
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  const out = new Map<string, FileDesc>();
  for (let i = buf.indexOf(magic); i >= 0; i = buf.indexOf(magic, i + 1)) {
    let raw: Buffer;
    try { raw = gunzipSync(buf.subarray(i, i + 1_000_000), { finishFlush: 2 }); } catch { continue; }
    try {
      const fd = FDP.toObject(FDP.decode(raw), { defaults: false }) as FileDesc;
      if (fd.name?.endsWith('/generated.proto') && fd.package && !out.has(fd.name)) out.set(fd.name, fd);
    } catch { /* not a descriptor */ }
  }
  return out;
}

const SCALARS: Record<number, string> = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool',
  9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64',
};

/** `k8s.io.api.core.v1` → `core-v1`; `k8s.io.apimachinery.pkg.apis.meta.v1` → `meta-v1`. */
export function schemaFileName(pkg: string): string {
  const parts = pkg.replace(/^k8s\.io\.(api|apimachinery\.pkg)\./, '').split('.');
  return parts.filter((p) => p !== 'apis' && p !== 'api' && p !== 'util').join('-');
}

export interface GeneratedSchema { files: Map<string, { pkg: string; text: string }>; messages: number }

/**
 * Proto text per package for the closure of `roots`. `required` maps an
 * OpenAPI definition name (`io.k8s.api.core.v1.ContainerPort`) to its required
 * properties (Go fields without omitempty).
 */
export function generateSchema(descs: Map<string, FileDesc>, required: Map<string, Set<string>>): GeneratedSchema {
  const messages = new Map<string, { pkg: string; msg: MessageDesc }>();
  for (const fd of descs.values()) {
    for (const m of fd.messageType ?? []) messages.set(`${fd.package}.${m.name}`, { pkg: fd.package, msg: m });
  }
  const roots = [...PROTOBUF_KINDS.map((k) => k.message), 'k8s.io.apimachinery.pkg.runtime.Unknown'];
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    const m = messages.get(name);
    if (!m) throw new Error(`message ${name} is not in the descriptors`);
    seen.add(name);
    for (const f of fieldsOf(m.msg)) {
      if (f.typeName && !f.typeName.startsWith(`.${name}.`)) queue.push(f.typeName.slice(1));
    }
  }
  const facts: Array<[string, Record<string, readonly string[]>]> = [
    ['POINTER_SCALARS', POINTER_SCALARS], ['INLINE_FIELDS', INLINE_FIELDS],
    ['JSON_NAMES', Object.fromEntries(Object.entries(JSON_NAMES).map(([k, v]) => [k, Object.keys(v)]))],
  ];
  for (const [what, table] of facts) {
    for (const [msg, fields] of Object.entries(table)) {
      const m = messages.get(msg);
      if (!m) throw new Error(`${what} names unknown message ${msg}`);
      for (const f of fields) {
        if (!(m.msg.field ?? []).some((d) => d.name === f)) throw new Error(`${what} names unknown field ${msg}.${f}`);
      }
    }
  }
  const byPkg = new Map<string, string[]>();
  for (const name of [...seen].sort()) {
    const { pkg, msg } = messages.get(name)!;
    const keep = new Set([...(POINTER_SCALARS[name] ?? []), ...(required.get(`io.${name.replace(/^k8s\.io\./, 'k8s.')}`) ?? [])]);
    const lines = [`message ${msg.name} {`];
    const inline = new Set(INLINE_FIELDS[name] ?? []);
    const renames = JSON_NAMES[name] ?? {};
    for (const f of msg.field ?? []) {
      const opts: string[] = [];
      if (keep.has(renames[f.name] ?? f.name) && f.type !== 11 && f.type !== 14 && f.label !== 3) opts.push('(keep_zero) = true');
      if (inline.has(f.name)) opts.push('(inline) = true');
      if (renames[f.name]) opts.push(`(json) = "${renames[f.name]}"`);
      lines.push(`  ${fieldLine(pkg, msg, f, opts)}`);
    }
    lines.push('}');
    byPkg.set(pkg, [...(byPkg.get(pkg) ?? []), lines.join('\n')]);
  }
  const files = new Map<string, { pkg: string; text: string }>();
  for (const [pkg, msgs] of byPkg) {
    files.set(schemaFileName(pkg), { pkg, text: `syntax = "proto2";\npackage ${pkg};\n\n${msgs.join('\n\n')}\n` });
  }
  return { files, messages: seen.size };
}

function fieldsOf(m: MessageDesc): FieldDesc[] {
  const nested = (m.nestedType ?? []).flatMap((n) => n.field ?? []);
  return [...(m.field ?? []), ...nested];
}

function typeRef(pkg: string, typeName: string): string {
  const full = typeName.slice(1);
  return full.startsWith(`${pkg}.`) && !full.slice(pkg.length + 1).includes('.') ? full.slice(pkg.length + 1) : `.${full}`;
}

function fieldType(pkg: string, f: FieldDesc): string {
  if (f.type === 11 || f.type === 14) return typeRef(pkg, f.typeName!);
  const t = SCALARS[f.type];
  if (!t) throw new Error(`unsupported field type ${f.type} for ${f.name}`);
  return t;
}

function fieldLine(pkg: string, msg: MessageDesc, f: FieldDesc, opts: string[]): string {
  const entry = f.type === 11 ? (msg.nestedType ?? []).find((n) => n.options?.mapEntry && f.typeName!.endsWith(`.${msg.name}.${n.name}`)) : undefined;
  if (entry) {
    const [k, v] = [entry.field!.find((x) => x.number === 1)!, entry.field!.find((x) => x.number === 2)!];
    return `map<${fieldType(pkg, k)}, ${fieldType(pkg, v)}> ${f.name} = ${f.number};`;
  }
  const label = f.label === 3 ? 'repeated' : f.label === 2 ? 'required' : 'optional';
  const opt = opts.length > 0 ? ` [${opts.join(', ')}]` : '';
  return `${label} ${fieldType(pkg, f)} ${f.name} = ${f.number}${opt};`;
}

/** OpenAPI `required` lists from the repo's generated definitions. */
export function readRequired(repoRoot: string): Map<string, Set<string>> {
  const doc = JSON.parse(readFileSync(join(repoRoot, 'src/api/openapi/generated/definitions.json'), 'utf8')) as
    { definitions: Record<string, { required?: string[] }> };
  return new Map(Object.entries(doc.definitions).map(([k, v]) => [k, new Set(v.required ?? [])]));
}

/** The TypeScript module that embeds one package's proto text. */
export function renderSchemaModule(file: string, pkg: string, text: string): string {
  const ident = `${file.toUpperCase().replace(/-/g, '_')}_PROTO`;
  return `// Generated by test/protobuf/schema.test.ts (K8TS_UPDATE_PROTO=1) from the descriptors compiled
// into kubectl 1.33, for the messages reachable from src/api/protobuf/kinds.ts. Do not edit.
// Package ${pkg}. Options: \`(keep_zero)\` keeps a scalar's zero value when decoding, \`(inline)\`
// merges an embedded message into its parent's JSON, \`(json)\` names the JSON field.

export const ${ident} = \`${text}\`;
`;
}

export function renderSchemaIndex(files: string[]): string {
  const sorted = [...files].sort();
  const ident = (f: string) => `${f.toUpperCase().replace(/-/g, '_')}_PROTO`;
  return `// Generated by test/protobuf/schema.test.ts (K8TS_UPDATE_PROTO=1). Do not edit.
${sorted.map((f) => `import { ${ident(f)} } from './${f}.js';`).join('\n')}

/** The proto2 sources of every package the protobuf codec knows, parsed into one root. */
export const PROTO_SOURCES: readonly string[] = [
${sorted.map((f) => `  ${ident(f)},`).join('\n')}
];
`;
}
