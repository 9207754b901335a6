#!/usr/bin/env node
// Copies the non-TypeScript files that compiled code reads at run time
// (.proto schemas) from src/ to the same place under dist/src/.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const EXTENSIONS = ['.proto'];

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (EXTENSIONS.some((x) => p.endsWith(x))) out.push(p);
  }
  return out;
}

for (const f of walk('src')) {
  const to = join('dist', f);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(f, to);
}
