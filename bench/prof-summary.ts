/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with
 * the most self time, and the share of time idle / in GC / in native code.
 * Usage: node dist/bench/prof-summary.js FILE.cpuprofile [--top N (default 25)]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Self time per function (name + file:line), most first, as shares of all samples. */
export function selfTimes(p: Profile): { name: string; ms: number; share: number }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const f = byId.get(id)?.callFrame;
    const file = f?.url ? f.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/') : '';
    const key = `${f?.functionName || '(anonymous)'}${file ? `  ${file}:${(f?.lineNumber ?? 0) + 1}` : ''}`;
    ms.set(key, (ms.get(key) ?? 0) + dt);
  });
  return [...ms].map(([name, v]) => ({ name, ms: v, share: total ? v / total : 0 })).sort((a, b) => b.ms - a.ms);
}

const isMain = process.argv[1]?.endsWith('prof-summary.js');
if (isMain) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error('usage: node dist/bench/prof-summary.js FILE.cpuprofile [--top N]');
    process.exitCode = 2;
  } else {
    const rows = selfTimes(JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile);
    const total = rows.reduce((n, r) => n + r.ms, 0);
    console.log(`${positionals[0]}: ${(total / 1000).toFixed(1)} s sampled`);
    for (const r of rows.slice(0, Number(values.top))) console.log(`${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`);
  }
}
