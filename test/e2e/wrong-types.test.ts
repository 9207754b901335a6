/**
 * Every field of a valid object of many built-in kinds, replaced by each
 * JSON type it does not have, is refused with a 400 or 422 Status: on create,
 * on update of an existing object, and through JSON and strategic merge
 * patches. Never a 500, never a crash. The replacement values come from a
 * seeded generator, so every run sends the same requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient, type RawResponse } from '../harness/raw-client.js';
import { FIXTURES } from './wrong-types-objects.js';

const NS = 'wt';
let server: RunningServer;
let api: RawClient;

before(async () => {
  server = await startServer({ datastore: 'memory', args: ['--disable-scheduler', '--controllers', 'namespace'] });
  api = new RawClient(server.kubeconfig);
  assert.equal((await api.json('POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
});
after(async () => { api?.close(); await server?.stop(); });

/** mulberry32: a small seeded generator. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type JsonKind = 'string' | 'number' | 'bool' | 'array' | 'object';
const KINDS: JsonKind[] = ['string', 'number', 'bool', 'array', 'object'];
const SAMPLES: Record<JsonKind, unknown[]> = {
  string: ['', 'x', '80', 'true', '1.5', 'nope'],
  number: [0, 1, -1, 1.5, 2147483648, 3],
  bool: [true, false],
  array: [[], ['x'], [1, 'a'], [{}], [null]],
  object: [{}, { a: 'b' }, { a: 1 }, { x: [] }],
};

function kindOf(v: unknown): JsonKind | 'null' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v as 'string' | 'number';
}

type Path = (string | number)[];

/**
 * Every path in `v` (objects and arrays included, the root excluded), in
 * document order; not inside managedFields' fieldsV1, which any JSON decodes into.
 */
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (at[at.length - 1] === 'fieldsV1') return out;
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([...at, i]); paths(x, [...at, i], out); });
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) { out.push([...at, k]); paths(x, [...at, k], out); }
  }
  return out;
}

function getAt(v: unknown, p: Path): unknown {
  return p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], v);
}

function setAt(v: unknown, p: Path, value: unknown): void {
  const parent = getAt(v, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p[p.length - 1]] = value;
}

const show = (p: Path): string => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
const pointer = (p: Path): string => p.map((k) => `/${String(k).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Runs `jobs` with at most `n` at once. */
async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) await jobs[next++]();
  }));
}

/** What is wrong with a reply to a body with a wrong type; undefined when it is a 400 or 422 Status. */
function problem(r: RawResponse, accept: readonly number[] = [400, 422]): string | undefined {
  let body: { kind?: string; code?: number; status?: string; reason?: string; message?: string } = {};
  try { body = JSON.parse(r.body) as typeof body; } catch { return `${r.status}, not JSON: ${r.body.slice(0, 200)}`; }
  if (!accept.includes(r.status)) return `${r.status} ${body.reason ?? ''}: ${body.message ?? r.body.slice(0, 100)}`;
  if (r.status >= 300 && (body.kind !== 'Status' || body.code !== r.status || body.status !== 'Failure')) return `${r.status} without a Status: ${r.body.slice(0, 100)}`;
  return undefined;
}

/**
 * Replacements a typed decode accepts, so a success is right: numbers for
 * quantities, strings or numbers for int-or-string fields, and fields whose
 * value is anything (RawExtension) or a map of strings whose keys are free.
 */
function mayAccept(kind: string, p: Path, value: unknown): boolean {
  const s = show(p);
  const k = kindOf(value);
  const quantity = /\.(requests|limits|capacity|allocatable)\.[^.[]+$|\.(sizeLimit|averageValue)$/.test(s);
  if (quantity && (k === 'number' || k === 'string')) return true;
  const intOrString = /\.(targetPort|port|maxSurge|maxUnavailable|minAvailable)$/.test(s) && !/\.ports\[\d+\]\.port$/.test(s) || /\.ports\[\d+\]\.port$/.test(s) && kind === 'NetworkPolicy';
  return intOrString && (k === 'string' || (k === 'number' && Number.isInteger(value)));
}

/** One sweep over a kind: a live object to update, a seeded pick, and the requests queued with the codes they may get. */
interface Sweep {
  pick<T>(xs: readonly T[]): T;
  collection: string;
  base: Record<string, unknown>;
  item: string;
  live: Record<string, unknown>;
  /** Queues a request; its reply must be a Status with one of `accept` (or the sweep's default codes). */
  expect(what: string, p: Path, value: unknown, send: () => Promise<RawResponse>): void;
  /** The next unused object name for this kind. */
  fresh(): string;
  /** Sends everything queued and fails the test with the wrong replies. */
  run(t: { diagnostic(msg: string): void }): Promise<void>;
}

const meta = (o: Record<string, unknown>) => o.metadata as Record<string, unknown>;

async function startSweep(kind: string, suffix: string, seed: number, accept: (p: Path, value: unknown) => readonly number[]): Promise<Sweep> {
  const fixture = FIXTURES[kind];
  const rand = seeded(seed);
  const collection = fixture.collection.replace('{ns}', NS);
  const base = JSON.parse(JSON.stringify(fixture.body).replaceAll('{ns}', NS)) as Record<string, unknown>;
  meta(base).name = `${kind.toLowerCase()}-${suffix}`;
  const made = await api.request('POST', collection, { body: JSON.stringify(base) });
  assert.equal(made.status, 201, made.body);
  const item = `${collection}/${kind.toLowerCase()}-${suffix}`;
  const live = JSON.parse((await api.request('GET', item)).body) as Record<string, unknown>;
  const problems: string[] = [];
  const codes = new Map<number, number>();
  const jobs: (() => Promise<void>)[] = [];
  let n = 0;
  return {
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)],
    collection, base, item, live,
    expect(what, p, value, send) {
      jobs.push(async () => {
        const r = await send();
        codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
        const bad = problem(r, accept(p, value));
        if (bad) problems.push(`${what} ${show(p)} = ${JSON.stringify(value)}: ${bad}`);
      });
    },
    fresh: () => `${kind.toLowerCase()}-${suffix}-${n++}`,
    async run(t) {
      await pool(jobs, 8);
      t.diagnostic(`${jobs.length} requests: ${[...codes].sort().map(([c, k]) => `${k} x ${c}`).join(', ')}`);
      assert.deepEqual(problems.slice(0, 40), [], `${problems.length} of ${jobs.length} requests answered wrongly`);
    },
  };
}

for (const kind of Object.keys(FIXTURES)) {
  test(`${kind}: every field with a wrong JSON type is a 400 or 422`, async (t) => {
    const sw = await startSweep(kind, 'live', kind.length * 7919 + kind.charCodeAt(0),
      (p, value) => (mayAccept(kind, p, value) ? [200, 201, 400, 422] : [400, 422]));
    const { pick, collection, base, item, live, expect } = sw;
    for (const p of paths(base)) {
      const current = kindOf(getAt(base, p));
      for (const k of KINDS.filter((x) => x !== current)) {
        const value = structuredClone(pick(SAMPLES[k]));
        const body = structuredClone(base);
        meta(body).name = sw.fresh();
        setAt(body, p, value);
        expect('create', p, value, () => api.request('POST', collection, { body: JSON.stringify(body) }));
      }
    }
    for (const p of paths(live)) {
      const current = kindOf(getAt(live, p));
      for (const k of KINDS.filter((x) => x !== current)) {
        const value = structuredClone(pick(SAMPLES[k]));
        const body = structuredClone(live);
        if (show(p) !== '.metadata.resourceVersion') delete meta(body).resourceVersion;
        setAt(body, p, value);
        expect('update', p, value, () => api.request('PUT', item, { body: JSON.stringify(body) }));
      }
      const value = structuredClone(pick(SAMPLES[pick(KINDS.filter((x) => x !== current))]));
      expect('json-patch', p, value, () => api.request('PATCH', item, {
        body: JSON.stringify([{ op: 'replace', path: pointer(p), value }]), headers: { 'Content-Type': 'application/json-patch+json' },
      }));
      if (p.every((k) => typeof k === 'string') && !p.includes('resourceVersion')) {
        const patch: Record<string, unknown> = {};
        let at = patch;
        p.slice(0, -1).forEach((k) => { at = (at[k] = {}) as Record<string, unknown>; });
        at[p[p.length - 1]] = value;
        expect('strategic-merge-patch', p, value, () => api.request('PATCH', item, {
          body: JSON.stringify(patch), headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
        }));
      }
    }
    await sw.run(t);
  });
}

/** Values of the same JSON type as `v` that a validation might not expect: empty, negative, huge, odd strings. */
const ODD: Record<JsonKind, unknown[]> = {
  string: ['', ' ', '-1', '0', '1.5', 'x', '%zz', '../..', 'a'.repeat(300), '2024-13-45T99:99:99Z', '*', '-'],
  number: [0, -1, -2147483648, 2147483647, 9007199254740991],
  bool: [true, false],
  array: [[]],
  object: [{}],
};

for (const kind of Object.keys(FIXTURES)) {
  test(`${kind}: fields left out, null or with odd values of the right type never make a 500`, async (t) => {
    const sw = await startSweep(kind, 'odd', kind.length * 104729 + kind.charCodeAt(1), () => [200, 201, 400, 404, 409, 422]);
    const { pick, collection, base, item, live, expect } = sw;
    /** Each change of the value at `p`: removed (undefined), null, two odd values of its type. */
    const changes = (v: unknown): unknown[] => {
      const k = kindOf(v);
      const odd = k === 'null' ? [] : [pick(ODD[k]), pick(ODD[k])];
      if (k === 'array' && (v as unknown[]).length > 0) odd.push([...(v as unknown[]), ...(v as unknown[])]);
      return [undefined, null, ...odd.map((x) => structuredClone(x))];
    };
    const change = (o: unknown, p: Path, value: unknown): void => {
      if (value !== undefined) { setAt(o, p, value); return; }
      const parent = getAt(o, p.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
      else delete (parent as Record<string, unknown>)[p[p.length - 1]];
    };
    for (const p of paths(base)) {
      if (show(p) === '.metadata.name') continue;
      for (const value of changes(getAt(base, p))) {
        const body = structuredClone(base);
        meta(body).name = sw.fresh();
        change(body, p, value);
        expect('create', p, value, () => api.request('POST', collection, { body: JSON.stringify(body) }));
      }
    }
    for (const p of paths(live)) {
      for (const value of changes(getAt(live, p))) {
        const body = structuredClone(live);
        if (show(p) !== '.metadata.resourceVersion') delete meta(body).resourceVersion;
        change(body, p, value);
        expect('update', p, value, () => api.request('PUT', item, { body: JSON.stringify(body) }));
      }
    }
    await sw.run(t);
  });
}
