/**
 * Server start to ready over several runs on one data dir (the first run
 * starts empty and generates the certificates; later runs reuse them and the
 * database), measured from spawn to the ready line and as the server's own
 * `startupMs`; and idle RSS of the first run after ready + a quiet spell.
 * Targets: start to ready < 2 s, idle RSS < 150 MB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../test/harness/server.js';
import { procRssKib } from './proc.js';
import { killServersUsing } from './k8ts-target.js';
import { ms, mib, type ResultRow } from './stats.js';

export interface StartupOptions {
  /** @default 5 */
  runs?: number;
  /** Quiet time after ready before RSS is read. @default 5000 */
  idleMs?: number;
}

const READY_TARGET_MS = 2000;
/** Decimal megabytes, as the target is worded. */
const RSS_TARGET_MB = 150;

/** The server's own `startupMs` from its ready line, if logged. */
function loggedStartupMs(s: RunningServer): number | undefined {
  for (const line of s.logs().split('\n')) {
    if (!line.includes('k8ts server ready')) continue;
    try {
      const v = (JSON.parse(line) as { startupMs?: unknown }).startupMs;
      if (typeof v === 'number') return v;
    } catch { /* not JSON */ }
  }
  return undefined;
}

export async function runStartup(o: StartupOptions = {}): Promise<ResultRow[]> {
  const runs = o.runs ?? 5;
  const idleMs = o.idleMs ?? 5000;
  console.log(`\n# Server start to ready: ${runs} runs on one data dir (run 1 empty: certificates generated), sqlite; then idle RSS after ${idleMs / 1000}s`);
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-startup-'));
  const spawnToReady: number[] = [];
  const own: (number | undefined)[] = [];
  let rss: { atReady?: number; idle?: number } = {};
  let restartError: string | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      let s: RunningServer;
      try {
        s = await startServer({ datastore: 'sqlite', dataDir, timeoutMs: 20_000 });
      } catch (e) {
        killServersUsing(dataDir);
        restartError = (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 2).join(' | ');
        console.log(`run ${i + 1}: server did not get ready: ${restartError}`);
        break;
      }
      const elapsed = performance.now() - t0;
      spawnToReady.push(elapsed);
      own.push(loggedStartupMs(s));
      // RSS on the first run: it does not depend on restarts working.
      if (i === 0) {
        const atReady = procRssKib(s.process.pid!);
        await new Promise((r) => setTimeout(r, idleMs));
        rss = { atReady, idle: procRssKib(s.process.pid!) };
      }
      await s.stop({ keepData: true });
      console.log(`run ${i + 1}${i === 0 ? ' (empty dir)' : ''}: spawn to ready ${ms(elapsed)}, server startupMs ${own[i] ?? 'n/a'}`
        + (i === 0 ? `, RSS at ready ${rss.atReady !== undefined ? mib(rss.atReady) : 'n/a'}, after ${idleMs / 1000}s idle ${rss.idle !== undefined ? mib(rss.idle) : 'n/a'}` : ''));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (spawnToReady.length === 0) throw new Error(`server never got ready: ${restartError}`);
  const worst = Math.max(...spawnToReady);
  const warm = spawnToReady.slice(1);
  const warmMedian = warm.length ? [...warm].sort((a, b) => a - b)[Math.floor(warm.length / 2)] : Number.NaN;
  if (restartError) console.log(`restart on an existing data dir failed after ${spawnToReady.length} good run(s): ${restartError}`);
  const rows: ResultRow[] = [
    { name: 'start to ready, first run (empty dir)', value: ms(spawnToReady[0]), target: `< ${READY_TARGET_MS / 1000} s`, ok: spawnToReady[0] < READY_TARGET_MS },
    { name: 'start to ready, later runs (median)', value: restartError && !warm.length ? 'restart FAILED' : ms(warmMedian), target: `< ${READY_TARGET_MS / 1000} s`, ok: restartError ? false : Number.isFinite(warmMedian) ? warmMedian < READY_TARGET_MS : undefined },
    { name: 'start to ready, worst run', value: ms(worst) },
    { name: 'server startupMs (own log), first / last', value: `${own[0] ?? 'n/a'} / ${own[own.length - 1] ?? 'n/a'} ms` },
  ];
  rows.push(rss.idle !== undefined
    ? { name: `idle RSS (ready + ${idleMs / 1000}s)`, value: mib(rss.idle), target: `< ${RSS_TARGET_MB} MB (${(RSS_TARGET_MB * 1e6 / 2 ** 20).toFixed(0)} MiB)`, ok: rss.idle * 1024 < RSS_TARGET_MB * 1e6 }
    : { name: `idle RSS (ready + ${idleMs / 1000}s)`, value: 'n/a (no /proc)', target: `< ${RSS_TARGET_MB} MB` });
  return rows;
}
