/**
 * The embedded schema (src/api/protobuf/schema/) must be what the generator
 * makes from kubectl 1.33's compiled descriptors. Run with K8TS_UPDATE_PROTO=1
 * to rewrite it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, findKubectl } from '../harness/clients.js';
import { generateSchema, readDescriptors, readRequired, renderSchemaIndex, renderSchemaModule } from './schema-gen.js';

const SCHEMA_DIR = join(REPO_ROOT, 'src/api/protobuf/schema');

test('embedded protobuf schema matches kubectl 1.33 descriptors', (t) => {
  const k = findKubectl(33);
  if (!k.path) { t.skip(`kubectl 1.33 not available: ${k.reason}`); return; }
  const descs = readDescriptors(k.path);
  assert.ok(descs.size > 20, `expected descriptors in ${k.path}, found ${descs.size}`);
  const gen = generateSchema(descs, readRequired(REPO_ROOT));
  const wanted = new Map<string, string>();
  for (const [file, { pkg, text }] of gen.files) wanted.set(`${file}.ts`, renderSchemaModule(file, pkg, text));
  wanted.set('index.ts', renderSchemaIndex([...gen.files.keys()]));
  if (process.env.K8TS_UPDATE_PROTO === '1') {
    mkdirSync(SCHEMA_DIR, { recursive: true });
    for (const [f, text] of wanted) writeFileSync(join(SCHEMA_DIR, f), text);
    console.log(`wrote ${wanted.size} files, ${gen.messages} messages`);
    return;
  }
  const present = existsSync(SCHEMA_DIR) ? readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.ts')).sort() : [];
  assert.deepEqual(present, [...wanted.keys()].sort(), 'schema files differ; rerun with K8TS_UPDATE_PROTO=1');
  for (const [f, text] of wanted) assert.equal(readFileSync(join(SCHEMA_DIR, f), 'utf8'), text, `${f} is stale; rerun with K8TS_UPDATE_PROTO=1`);
});
