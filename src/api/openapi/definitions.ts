/**
 * The Kubernetes definitions every OpenAPI document is built from: the file
 * scripts/gen-openapi.mjs generates from kubernetes-types, with the patch
 * metadata of src/api/patch/patch-meta.ts merged in. Loaded once, then frozen.
 *
 * Where the generated file is looked for, in order (the first that exists wins):
 *  1. `./generated/definitions.json` beside this module (the source tree, or
 *     dist/ when the generator also wrote there, as `npm run build` does);
 *  2. the source tree's copy, seen from dist/src/api/openapi/.
 * If neither exists (someone ran only `tsc`), the generator is run once,
 * synchronously, and the file it writes is read.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PATCH_META } from '../patch/patch-meta.js';
import { applyPatchMeta } from './patch-meta-merge.js';
import { deepFreeze } from '../object.js';
import type { Definitions, Schema } from './schema.js';

export interface GeneratedDefinitions {
  /** `kubernetes-types@1.30.0`: where the definitions came from. */
  source: string;
  definitions: Record<string, Schema>;
}

const CANDIDATES: readonly URL[] = [
  new URL('./generated/definitions.json', import.meta.url),
  new URL('../../../../src/api/openapi/generated/definitions.json', import.meta.url),
];

const GENERATORS: readonly URL[] = [
  new URL('../../../scripts/gen-openapi.mjs', import.meta.url),
  new URL('../../../../scripts/gen-openapi.mjs', import.meta.url),
];

let cached: Definitions | undefined;
let unmatchedPatchMeta: readonly string[] = [];

/** Reads the generated file as is (no patch metadata), generating it first if it is missing. */
export function readGeneratedDefinitions(): GeneratedDefinitions {
  let file = CANDIDATES.map((u) => fileURLToPath(u)).find((p) => existsSync(p));
  if (!file) {
    const generator = GENERATORS.map((u) => fileURLToPath(u)).find((p) => existsSync(p));
    if (!generator) throw new Error('OpenAPI definitions not found: run `npm run build` (node scripts/gen-openapi.mjs)');
    execFileSync(process.execPath, [generator, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
    file = CANDIDATES.map((u) => fileURLToPath(u)).find((p) => existsSync(p));
    if (!file) throw new Error(`OpenAPI definitions still missing after running ${generator}`);
  }
  const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof doc !== 'object' || doc === null || typeof (doc as GeneratedDefinitions).definitions !== 'object') {
    throw new Error(`${file}: not a generated definitions document; rerun node scripts/gen-openapi.mjs`);
  }
  return doc as GeneratedDefinitions;
}

/**
 * Every definition, by upstream name (`io.k8s.api.apps.v1.Deployment`), with
 * patch metadata merged in. The same frozen object is returned on every call:
 * callers must copy before changing anything.
 */
export function getDefinitions(): Definitions {
  if (!cached) {
    const merged = applyPatchMeta(readGeneratedDefinitions().definitions, PATCH_META);
    unmatchedPatchMeta = Object.freeze(merged.unmatched);
    cached = deepFreeze(merged.definitions);
  }
  return cached;
}

/** Patch metadata entries (`Definition.field`) that named no known definition or property. */
export function unmatchedPatchMetaEntries(): readonly string[] {
  getDefinitions();
  return unmatchedPatchMeta;
}

