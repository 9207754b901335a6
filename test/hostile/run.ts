/**
 * One hostile run: generates `count` requests from a seed, keeps `concurrency`
 * in flight (watches beside them, in their own pool), judges every reply,
 * and returns the tallies the test asserts on and prints.
 */
import { check, type Allowance, type Verdict } from './expectations.js';
import { HostileGenerator, type HostileRequest } from './generator.js';
import type { HostileSender } from './sender.js';

export interface RunOptions {
  seed: number;
  count: number;
  /** @default 24 */
  concurrency?: number;
  /** Watches open at once, beside the other requests. @default 48 */
  watchConcurrency?: number;
  /** Roughly the store's revision, for resourceVersions in the future. */
  revision: () => number;
}

export interface Failure {
  request: HostileRequest;
  why: string;
}

export interface RunResult {
  sent: number;
  codes: Map<number, number>;
  failures: Failure[];
  /** The 5xx replies let pass, by why. */
  allowed: Map<Allowance, HostileRequest[]>;
  /** Requests whose reply was cut short by the client (watches). */
  cut: number;
  /** Of the creates that named an object nobody else uses, those refused with a 4xx. */
  refusedCreates: string[];
  /** The slowest replies (streams excepted), slowest first. */
  slowest: { ms: number; request: HostileRequest }[];
  /** `touches` keys of requests that succeeded (2xx), so may have changed something. */
  changed: Set<string>;
  ms: number;
}

/** A short account of a request, enough to replay it by hand. */
export function describeRequest(r: HostileRequest): string {
  const type = r.headers['Content-Type'];
  const body = r.body ? ` body(${r.body.length} B, ${type === undefined ? 'no type' : type.length > 80 ? `${type.slice(0, 80)}…` : type}): ${JSON.stringify(r.body.subarray(0, 300).toString('utf8'))}` : '';
  return `#${r.id} ${r.anonymous ? '[anonymous] ' : ''}${r.method} ${r.path.length > 300 ? `${r.path.slice(0, 300)}…(${r.path.length} chars)` : r.path} [${r.tags.join('; ')}]${body}`;
}

export async function runHostile(sender: HostileSender, opts: RunOptions): Promise<RunResult> {
  const gen = new HostileGenerator(opts.seed, sender.origin, opts.revision);
  const result: RunResult = { sent: 0, codes: new Map(), failures: [], allowed: new Map(), cut: 0, refusedCreates: [], slowest: [], changed: new Set(), ms: 0 };
  const started = Date.now();
  let generated = 0;
  // Watches run in their own pool: a worker hands one over and goes on, waiting only when the pool is full.
  const watchSlots = opts.watchConcurrency ?? 48;
  let openWatches = 0;
  const slotFreed: (() => void)[] = [];
  const streaming: Promise<void>[] = [];

  const noteSlow = (ms: number, request: HostileRequest): void => {
    if (result.slowest.length >= 10 && ms <= result.slowest[result.slowest.length - 1].ms) return;
    result.slowest.push({ ms, request });
    result.slowest.sort((a, b) => b.ms - a.ms);
    result.slowest.length = Math.min(result.slowest.length, 10);
  };
  const one = async (r: HostileRequest): Promise<void> => {
    let verdict: Verdict;
    const t0 = Date.now();
    try {
      const reply = await sender.send(r);
      if (!r.mayStream) noteSlow(Date.now() - t0, r);
      result.sent++;
      result.codes.set(reply.status, (result.codes.get(reply.status) ?? 0) + 1);
      if (reply.cut) result.cut++;
      verdict = check(r, reply);
      if (reply.status >= 200 && reply.status < 300 && r.touches) result.changed.add(r.touches);
      if (reply.status >= 400 && reply.status < 500 && r.creates) result.refusedCreates.push(r.creates.getPath);
    } catch (e) {
      result.sent++;
      verdict = { ok: false, why: `no reply: ${e instanceof Error ? e.message : String(e)}` };
      // Without a reply nothing is known about what changed.
      if (r.touches) result.changed.add('*');
    }
    if (!verdict.ok) result.failures.push({ request: r, why: verdict.why });
    else if (verdict.allowed) result.allowed.set(verdict.allowed, [...(result.allowed.get(verdict.allowed) ?? []), r]);
  };
  const worker = async (): Promise<void> => {
    while (generated < opts.count) {
      generated++;
      const r = gen.request();
      if (!r.mayStream) {
        await one(r);
        continue;
      }
      while (openWatches >= watchSlots) await new Promise<void>((resolve) => slotFreed.push(resolve));
      openWatches++;
      streaming.push(one(r).finally(() => {
        openWatches--;
        slotFreed.shift()?.();
      }));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 24 }, () => worker()));
  await Promise.all(streaming);
  result.ms = Date.now() - started;
  return result;
}

/** `{200: 812, 400: 3100, ...}` in code order. */
export function formatCodes(codes: Map<number, number>): string {
  return `{${[...codes.entries()].sort(([a], [b]) => a - b).map(([c, n]) => `${c}: ${n}`).join(', ')}}`;
}
