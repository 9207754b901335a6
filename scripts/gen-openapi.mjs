#!/usr/bin/env node
/**
 * Generates Swagger-2.0 `definitions` for every Kubernetes type from the
 * `kubernetes-types` d.ts files (which are themselves generated from upstream's
 * OpenAPI), named as upstream names them (`io.k8s.api.apps.v1.Deployment`).
 *
 * Output: `{ source, definitions }` written to
 *   src/api/openapi/generated/definitions.json       (read by the source tree)
 *   dist/src/api/openapi/generated/definitions.json  (read by the compiled tree)
 *
 * What the d.ts files cannot tell is filled in from upstream facts kept here:
 * integer formats (int32 unless listed as int64, or double), the synthetic
 * IntOrString definition (the d.ts inlines `number | string`), string formats of
 * Time/MicroTime, and the `x-kubernetes-*` properties of JSONSchemaProps that
 * kubernetes-types leaves out. Patch metadata (merge keys, list types) is NOT
 * generated here: src/api/openapi/definitions.ts merges it in at load time.
 *
 * Usage: node scripts/gen-openapi.mjs [--out <file>] [--quiet]
 * Also importable: `generateDefinitions({ typesDir })` returns the document.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** Fields upstream declares int64 (by JSON name); every other integer is int32. */
const INT64_FIELDS = new Set([
  'activeDeadlineSeconds', 'deletionGracePeriodSeconds', 'expirationSeconds', 'fsGroup', 'generation',
  'gracePeriodSeconds', 'int', 'ints', 'maxItems', 'maxLength', 'maxProperties', 'minItems', 'minLength',
  'minProperties', 'observedGeneration', 'remainingItemCount', 'revision', 'runAsGroup', 'runAsUser',
  'seconds', 'sizeBytes', 'startingDeadlineSeconds', 'supplementalGroups', 'terminationGracePeriodSeconds',
  'tolerationSeconds',
]);
/** Exceptions to INT64_FIELDS, as `<definition>.<field>`. */
const INT32_OVERRIDES = new Set([
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec.expirationSeconds',
]);
/** Floating-point fields (`type: number, format: double`), as `<definition>.<field>`. */
const DOUBLE_FIELDS = new Set(['maximum', 'minimum', 'multipleOf']
  .map((f) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.${f}`));

/** String type aliases whose upstream definition carries a format. */
const STRING_FORMATS = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'date-time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'date-time',
};

/** Empty interfaces upstream leaves untyped (any JSON value). */
const UNTYPED = new Set(['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON']);

const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

/** Properties of JSONSchemaProps that kubernetes-types omits (upstream 1.30 texts). */
const JSON_SCHEMA_PROPS_EXTRA = {
  'x-kubernetes-embedded-resource': {
    description: 'x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta. The type must be object. It is allowed to further restrict the embedded object. kind, apiVersion and metadata are validated automatically. x-kubernetes-preserve-unknown-fields is allowed to be true, but does not have to be if the object is fully specified (up to kind, apiVersion, metadata).',
    type: 'boolean',
  },
  'x-kubernetes-int-or-string': {
    description: 'x-kubernetes-int-or-string specifies that this value is either an integer or a string. If this is true, an empty type is allowed and type as child of anyOf is permitted if following one of the following patterns:\n\n1) anyOf:\n   - type: integer\n   - type: string\n2) allOf:\n   - anyOf:\n     - type: integer\n     - type: string\n   - ... zero or more',
    type: 'boolean',
  },
  'x-kubernetes-list-map-keys': {
    description: 'x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map.\n\nThis tag MUST only be used on lists that have the "x-kubernetes-list-type" extension set to "map". Also, the values specified for this attribute must be a scalar typed field of the child structure (no nesting is supported).\n\nThe properties specified must either be required or have a default value, to ensure those properties are present for all list items.',
    items: { type: 'string' },
    type: 'array',
    'x-kubernetes-list-type': 'atomic',
  },
  'x-kubernetes-list-type': {
    description: 'x-kubernetes-list-type annotates an array to further describe its topology. This extension must only be used on lists and may have 3 possible values:\n\n1) `atomic`: the list is treated as a single entity, like a scalar.\n     Atomic lists will be entirely replaced when updated. This extension\n     may be used on any type of list (struct, scalar, ...).\n2) `set`:\n     Sets are lists that must not have multiple items with the same value. Each\n     value must be a scalar, an object with x-kubernetes-map-type `atomic` or an\n     array with x-kubernetes-list-type `atomic`.\n3) `map`:\n     These lists are like maps in that their elements have a non-index key\n     used to identify them. Order is preserved upon merge. The map tag\n     must only be used on a list with elements of type object.\nDefaults to atomic for arrays.',
    type: 'string',
  },
  'x-kubernetes-map-type': {
    description: 'x-kubernetes-map-type annotates an object to further describe its topology. This extension must only be used when type is object and may have 2 possible values:\n\n1) `granular`:\n     These maps are actual maps (key-value pairs) and each fields are independent\n     from each other (they can each be manipulated by separate actors). This is\n     the default behaviour for all maps.\n2) `atomic`: the list is treated as a single entity, like a scalar.\n     Atomic maps will be entirely replaced when updated.',
    type: 'string',
  },
  'x-kubernetes-preserve-unknown-fields': {
    description: 'x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema. This affects fields recursively, but switches back to normal pruning behaviour if nested properties or additionalProperties are specified in the schema. This can either be true or undefined. False is forbidden.',
    type: 'boolean',
  },
  'x-kubernetes-validations': {
    description: 'x-kubernetes-validations describes a list of validation rules written in the CEL expression language.',
    items: { $ref: `#/definitions/${APIEXT}.ValidationRule` },
    type: 'array',
    'x-kubernetes-list-map-keys': ['rule'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'rule',
    'x-kubernetes-patch-strategy': 'merge',
  },
};

/**
 * Maps a kubernetes-types module path (`apps/v1`, `meta/v1`, `runtime`) to the
 * upstream Go package prefix used in definition names.
 */
export function packageOf(modulePath) {
  switch (modulePath) {
    case 'meta/v1': return 'io.k8s.apimachinery.pkg.apis.meta.v1';
    case 'api/resource': return 'io.k8s.apimachinery.pkg.api.resource';
    case 'runtime': return 'io.k8s.apimachinery.pkg.runtime';
    case 'version': return 'io.k8s.apimachinery.pkg.version';
    case 'apiextensions/v1': return APIEXT;
    default: {
      const parts = modulePath.split('/');
      if (parts.length !== 2) throw new Error(`gen-openapi: no upstream package known for kubernetes-types/${modulePath}`);
      return `io.k8s.api.${parts[0]}.${parts[1]}`;
    }
  }
}

function listTypeFiles(dir, base = dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) { if (entry.name !== 'node_modules') listTypeFiles(full, base, out); }
    else if (entry.name.endsWith('.d.ts')) out.push(relative(base, full).split(sep).join('/'));
  }
  return out.sort();
}

function docOf(node) {
  const texts = [];
  for (const jsdoc of ts.getJSDocCommentsAndTags(node)) {
    if (ts.isJSDoc(jsdoc) && jsdoc.comment !== undefined) {
      const t = ts.getTextOfJSDocComment(jsdoc.comment);
      if (t) texts.push(t);
    }
  }
  const text = texts.join('\n\n').trim();
  return text === '' ? undefined : text;
}

function propName(name) {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  throw new Error(`gen-openapi: unsupported property name ${name.getText()}`);
}

/** Parses one d.ts file into its declarations; type references are resolved later. */
function parseModule(typesDir, file) {
  const modulePath = file.replace(/\.d\.ts$/, '');
  const pkg = packageOf(modulePath);
  const text = readFileSync(join(typesDir, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  /** local identifier -> upstream definition name */
  const scope = new Map();
  const decls = [];
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const spec = stmt.moduleSpecifier.text;
      const target = join(dirname(modulePath), spec).split(sep).join('/');
      const targetPkg = packageOf(target);
      const bindings = stmt.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          scope.set(el.name.text, `${targetPkg}.${(el.propertyName ?? el.name).text}`);
        }
      }
    } else if (ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) {
      scope.set(stmt.name.text, `${pkg}.${stmt.name.text}`);
      decls.push(stmt);
    }
  }
  return { modulePath, pkg, decls, scope };
}

function integerSchema(defName, field) {
  if (DOUBLE_FIELDS.has(`${defName}.${field}`)) return { type: 'number', format: 'double' };
  if (INT64_FIELDS.has(field) && !INT32_OVERRIDES.has(`${defName}.${field}`)) return { type: 'integer', format: 'int64' };
  return { type: 'integer', format: 'int32' };
}

/** Converts a property's type node to a Swagger 2.0 schema. */
function typeSchema(node, ctx) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword: return { type: 'string' };
    case ts.SyntaxKind.BooleanKeyword: return { type: 'boolean' };
    case ts.SyntaxKind.NumberKeyword: return integerSchema(ctx.defName, ctx.field);
    default: break;
  }
  if (ts.isLiteralTypeNode(node)) {
    if (ts.isStringLiteral(node.literal)) return { type: 'string' };
    if (node.literal.kind === ts.SyntaxKind.TrueKeyword || node.literal.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean' };
  }
  if (ts.isArrayTypeNode(node)) return { type: 'array', items: typeSchema(node.elementType, ctx) };
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (name === 'Array' && node.typeArguments?.length === 1) {
      return { type: 'array', items: typeSchema(node.typeArguments[0], ctx) };
    }
    const target = ctx.scope.get(name);
    if (!target) throw new Error(`gen-openapi: ${ctx.defName}.${ctx.field}: unknown type ${name}`);
    return { $ref: `#/definitions/${target}` };
  }
  if (ts.isTypeLiteralNode(node) && node.members.length === 1 && ts.isIndexSignatureDeclaration(node.members[0])) {
    return { type: 'object', additionalProperties: typeSchema(node.members[0].type, ctx) };
  }
  if (ts.isUnionTypeNode(node)) {
    const kinds = node.types.map((t) => t.kind).sort();
    if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) {
      return { $ref: `#/definitions/${INT_OR_STRING}` };
    }
  }
  throw new Error(`gen-openapi: ${ctx.defName}.${ctx.field}: unsupported type ${node.getText()}`);
}

/** The group/version/kind a declaration is the top-level kind of, read from its literal fields. */
function gvkOf(decl) {
  let apiVersion; let kind;
  for (const m of decl.members) {
    if (!ts.isPropertySignature(m) || !m.type || !ts.isLiteralTypeNode(m.type) || !ts.isStringLiteral(m.type.literal)) continue;
    const n = propName(m.name);
    if (n === 'apiVersion') apiVersion = m.type.literal.text;
    if (n === 'kind') kind = m.type.literal.text;
  }
  if (apiVersion === undefined || kind === undefined) return undefined;
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', kind, version: apiVersion } : { group: apiVersion.slice(0, i), kind, version: apiVersion.slice(i + 1) };
}

function interfaceDefinition(decl, defName, scope) {
  const def = {};
  const description = docOf(decl);
  if (description) def.description = description;
  const properties = {};
  const required = [];
  for (const m of decl.members) {
    if (!ts.isPropertySignature(m) || !m.type) throw new Error(`gen-openapi: ${defName}: unsupported member ${m.getText()}`);
    const field = propName(m.name);
    const schema = typeSchema(m.type, { defName, field, scope });
    const doc = docOf(m);
    properties[field] = doc ? { description: doc, ...schema } : schema;
    if (!m.questionToken) required.push(field);
  }
  if (defName === `${APIEXT}.JSONSchemaProps`) Object.assign(properties, JSON_SCHEMA_PROPS_EXTRA);
  if (Object.keys(properties).length > 0) def.properties = properties;
  if (required.length > 0) def.required = required;
  if (!UNTYPED.has(defName)) def.type = 'object';
  const gvk = gvkOf(decl);
  if (gvk) def['x-kubernetes-group-version-kind'] = [gvk];
  return def;
}

function aliasDefinition(decl, defName) {
  const def = {};
  const description = docOf(decl);
  if (description) def.description = description;
  if (decl.type.kind === ts.SyntaxKind.StringKeyword) {
    def.type = 'string';
    if (STRING_FORMATS[defName]) def.format = STRING_FORMATS[defName];
  } else if (!ts.isUnionTypeNode(decl.type)) {
    // Unions (JSONSchemaPropsOrBool, ...) stay untyped, as upstream has them.
    throw new Error(`gen-openapi: ${defName}: unsupported alias ${decl.type.getText()}`);
  }
  return def;
}

/** Kinds that the d.ts leaves without literal apiVersion/kind but upstream registers. */
function addMetaKinds(defs) {
  const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
  const status = defs[`${meta}.Status`];
  if (status) status['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'Status', version: 'v1' }];
  const groupVersions = new Map();
  for (const def of Object.values(defs)) {
    for (const g of def['x-kubernetes-group-version-kind'] ?? []) groupVersions.set(`${g.group}/${g.version}`, g);
  }
  const sorted = [...groupVersions.values()].sort((a, b) => (a.group + a.version).localeCompare(b.group + b.version));
  for (const kind of ['DeleteOptions', 'WatchEvent']) {
    const def = defs[`${meta}.${kind}`];
    if (def) def['x-kubernetes-group-version-kind'] = sorted.map((g) => ({ group: g.group, kind, version: g.version }));
  }
}

/**
 * Builds the definitions document from a kubernetes-types folder.
 * Throws on any type construct it does not understand, so that a new
 * kubernetes-types release fails loudly instead of producing wrong schemas.
 */
export function generateDefinitions({ typesDir = join(REPO_ROOT, 'node_modules', 'kubernetes-types') } = {}) {
  const pkgJson = JSON.parse(readFileSync(join(typesDir, 'package.json'), 'utf8'));
  const defs = {};
  for (const file of listTypeFiles(typesDir)) {
    const { pkg, decls, scope } = parseModule(typesDir, file);
    for (const decl of decls) {
      const defName = `${pkg}.${decl.name.text}`;
      if (defs[defName]) throw new Error(`gen-openapi: duplicate definition ${defName}`);
      defs[defName] = ts.isInterfaceDeclaration(decl) ? interfaceDefinition(decl, defName, scope) : aliasDefinition(decl, defName);
    }
  }
  defs[INT_OR_STRING] = {
    description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string',
    type: 'string',
  };
  addMetaKinds(defs);
  // Every $ref must name a definition.
  const missing = new Set();
  JSON.stringify(defs, (k, v) => {
    if (k === '$ref' && typeof v === 'string' && !defs[v.slice('#/definitions/'.length)]) missing.add(v);
    return v;
  });
  if (missing.size > 0) throw new Error(`gen-openapi: unresolved references: ${[...missing].join(', ')}`);
  const sorted = {};
  for (const name of Object.keys(defs).sort()) sorted[name] = defs[name];
  return { source: `kubernetes-types@${pkgJson.version}`, definitions: sorted };
}

function main(argv) {
  const quiet = argv.includes('--quiet');
  const outIdx = argv.indexOf('--out');
  const started = performance.now();
  const doc = generateDefinitions();
  const json = JSON.stringify(doc);
  const targets = outIdx >= 0 ? [resolve(argv[outIdx + 1])] : [
    join(REPO_ROOT, 'src', 'api', 'openapi', 'generated', 'definitions.json'),
    join(REPO_ROOT, 'dist', 'src', 'api', 'openapi', 'generated', 'definitions.json'),
  ];
  for (const target of targets) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, json);
  }
  if (!quiet) {
    const ms = Math.round(performance.now() - started);
    console.log(`gen-openapi: ${Object.keys(doc.definitions).length} definitions from ${doc.source}, ${(json.length / 1024).toFixed(0)} KiB, ${ms} ms -> ${targets.map((t) => relative(REPO_ROOT, t)).join(', ')}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
