/**
 * The import rules of ARCHITECTURE.md, checked on every file under src/: a
 * wrong arrow fails the suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname, resolve } from 'node:path';
import { REPO_ROOT } from '../harness/clients.js';

const SRC = join(REPO_ROOT, 'src');

/** Folder -> folders it may import (besides itself and npm packages). */
export const ALLOWED: Record<string, string[]> = {
  cli: ['*'],
  apiserver: ['api', 'storage'],
  storage: ['api'],
  client: ['api'],
  api: [],
  scheduler: ['client', 'api'],
  controllers: ['client', 'api'],
  cloud: ['client', 'api'],
  kubelet: ['client', 'api'],
  proxy: ['client', 'api'],
  dns: ['client', 'api'],
  sim: ['client', 'api'],
  flannel: ['client', 'api'],
};

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative import specifiers of a file (static, dynamic and re-exports). */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

export function violations(srcRoot: string): string[] {
  const bad: string[] = [];
  for (const f of files(srcRoot)) {
    const from = relative(srcRoot, f).split('/')[0];
    const allowed = ALLOWED[from];
    if (!allowed) { bad.push(`${relative(srcRoot, f)}: folder src/${from} has no import rule`); continue; }
    for (const spec of importsOf(readFileSync(f, 'utf8'))) {
      const target = relative(srcRoot, resolve(dirname(f), spec));
      if (target.startsWith('..')) { bad.push(`${relative(srcRoot, f)} imports ${spec}, outside src/`); continue; }
      const to = target.split('/')[0];
      if (to === from || allowed.includes('*') && to !== 'cli') continue;
      if (to === 'cli' || !allowed.includes(to)) bad.push(`${relative(srcRoot, f)} imports ${spec} (src/${from} may not import src/${to})`);
    }
  }
  return bad;
}

test('every import under src/ follows ARCHITECTURE.md', () => {
  assert.deepEqual(violations(SRC), []);
});

test('the checker catches a forbidden arrow', () => {
  const root = mkdtempSync(join(tmpdir(), 'import-rules-'));
  try {
    mkdirSync(join(root, 'scheduler'));
    mkdirSync(join(root, 'apiserver'));
    mkdirSync(join(root, 'api'));
    writeFileSync(join(root, 'scheduler', 'a.ts'), "import { x } from '../apiserver/server.js';\nimport { y } from '../api/y.js';\n");
    writeFileSync(join(root, 'api', 'b.ts'), "export const z = await import('../cli/main.js');\n");
    writeFileSync(join(root, 'apiserver', 'c.ts'), "export * from '../api/b.js';\n");
    assert.deepEqual(violations(root).sort(), [
      "api/b.ts imports ../cli/main.js (src/api may not import src/cli)",
      "scheduler/a.ts imports ../apiserver/server.js (src/scheduler may not import src/apiserver)",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
