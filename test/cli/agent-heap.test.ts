/**
 * The agent's V8 settings take effect when set at run time (each check in
 * a child process: V8 flags are process-wide): the young generation stays
 * at its initial size under allocation, and hot functions stay unoptimized.
 * The same checks without the settings show that they could fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/clients.js';

const MODULE = join(REPO_ROOT, 'dist', 'src', 'cli', 'agent-heap.js');

/** Runs the probe with or without limitAgentHeap() first; returns its JSON result. */
function probe(limited: boolean): { newSpaceMiB: number; optimized: boolean } {
  const script = `
    import v8 from 'node:v8';
    import { limitAgentHeap } from ${JSON.stringify(MODULE)};
    if (${limited}) limitAgentHeap();
    v8.setFlagsFromString('--allow-natives-syntax');
    const keep = [];
    for (let i = 0; i < 200; i++) { const a = []; for (let j = 0; j < 20000; j++) a.push({ j, s: 'x' + j }); keep.push(a); if (keep.length > 8) keep.shift(); }
    const hot = new Function('x', 'return x * 2 + 1;');
    const statusOf = new Function('f', 'return %GetOptimizationStatus(f);');
    // Optimized, TurboFanned, or marked for / being optimized (V8's OptimizationStatus bits); TurboFan compiles
    // on a helper thread, so the loop gives it time on a loaded machine.
    const TURBOFAN = 16 | 64 | 256 | 512 | 1024;
    let status = 0;
    for (const deadline = Date.now() + 1500; Date.now() < deadline && !(status & TURBOFAN);) {
      for (let i = 0; i < 100000; i++) hot(i);
      status = statusOf(hot);
      await new Promise((r) => setTimeout(r, 5));
    }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(JSON.stringify({ newSpaceMiB: ns.space_size / 1048576, optimized: (status & TURBOFAN) !== 0 }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { newSpaceMiB: number; optimized: boolean };
}

test('limitAgentHeap keeps the young generation small and turns TurboFan off', () => {
  const plain = probe(false);
  const limited = probe(true);
  assert.ok(plain.newSpaceMiB > 4, `without the settings the young generation grows (${plain.newSpaceMiB} MiB)`);
  assert.equal(plain.optimized, true, 'without the settings TurboFan takes up a hot function');
  assert.ok(limited.newSpaceMiB <= 2, `young generation ${limited.newSpaceMiB} MiB with the settings`);
  assert.equal(limited.optimized, false, 'TurboFan never takes it up with --no-opt');
});
