/**
 * Hostile input against a real `k8ts server` on SQLite: at least 10,000
 * generated requests (seeded: HOSTILE_SEED replays a run, HOSTILE_COUNT
 * changes its size) over every verb, content type, path form, query
 * parameter and body the generator in test/hostile/ knows how to spoil, with
 * and without credentials. The server must not crash, answer no 5xx, answer
 * every error with a Status from the expected table, stay ready, still serve a
 * normal round trip, and leave nothing partly written.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';
import { eventually } from '../harness/kubectl.js';
import { HostileSender } from '../hostile/sender.js';
import { describeRequest, formatCodes, runHostile, type RunResult } from '../hostile/run.js';
import { KEEP_NAMESPACE, KEEP_SEEDS, KINDS, NAMESPACES, SEEDS_PER_KIND, WIDGET_CRD, collectionPath, keepName, seedName } from '../hostile/fixtures.js';
import { checkIntegrity } from '../hostile/integrity.js';

const SEED = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : Math.floor(Math.random() * 2 ** 31);
const COUNT = process.env.HOSTILE_COUNT ? Number(process.env.HOSTILE_COUNT) : 10_240;
if (!Number.isInteger(SEED) || !Number.isInteger(COUNT)) throw new Error('HOSTILE_SEED and HOSTILE_COUNT must be integers');
/** Failures printed in full; the rest are counted. */
const SHOWN = 40;

let server: RunningServer;
let api: RawClient;
let sender: HostileSender;
let result: RunResult;
const seedVersions = new Map<string, string>();
let startRevision = 0;

before(async () => {
  console.log(`hostile-input: seed ${SEED} (replay with HOSTILE_SEED=${SEED}), ${COUNT} requests`);
  server = await startServer({ datastore: 'sqlite', args: ['--disable-controllers'] });
  api = new RawClient(server.kubeconfig);
  sender = new HostileSender(server.kubeconfig);
  for (const ns of [...NAMESPACES, KEEP_NAMESPACE]) assert.equal((await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
  assert.equal((await api.json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', WIDGET_CRD)).status, 201);
  await eventually(async () => (await api.json('GET', `/apis/${WIDGET_CRD.spec.group}/v1/namespaces/${NAMESPACES[0]}/widgets`)).status === 200, 20_000, 'widgets served');
  const seeds = KINDS.flatMap((k) => [
    ...(k.namespaced ? NAMESPACES : ['']).flatMap((ns) => Array.from({ length: SEEDS_PER_KIND }, (_, i) => ({ k, ns, name: seedName(k, i) }))),
    ...(k.namespaced ? Array.from({ length: KEEP_SEEDS }, (_, i) => ({ k, ns: KEEP_NAMESPACE, name: keepName(i) })) : []),
  ]);
  for (const { k, ns, name } of seeds) {
    const r = await api.json<{ metadata: { resourceVersion: string } }>('POST', collectionPath(k, ns), k.sample(name));
    assert.equal(r.status, 201, `seed ${k.plural} ${ns}/${name}: ${JSON.stringify(r.body)}`);
    seedVersions.set(`${k.plural}/${ns}/${name}`, r.body.metadata.resourceVersion);
    startRevision = Math.max(startRevision, Number(r.body.metadata.resourceVersion));
  }
});

after(async () => {
  sender?.close();
  api?.close();
  await server?.stop();
});

test(`hostile input: ${COUNT} generated requests`, { timeout: 120_000 }, async (t) => {
  t.diagnostic(`seed ${SEED}`);
  result = await runHostile(sender, { seed: SEED, count: COUNT, concurrency: 24, watchConcurrency: 48, revision: () => startRevision });
  const crashed = server.process.exitCode !== null || server.process.signalCode !== null;
  const fives = [...result.codes].filter(([c]) => c >= 500).reduce((s, [, n]) => s + n, 0);
  const allowed = [...result.allowed].map(([why, rs]) => `${rs.length} ${why}`).join(', ') || 'none';
  const summary = `hostile-input: ${result.sent} requests, seed ${SEED}, codes ${formatCodes(result.codes)}, ${crashed ? 1 : 0} crashes, `
    + `${result.failures.length} failures, 5xx let pass: ${allowed}; ${result.cut} watches cut, ${(result.ms / 1000).toFixed(1)} s`;
  console.log(summary);
  t.diagnostic(summary);
  // Every 5xx in full; other failures up to SHOWN.
  const shown = [...result.failures.filter((f) => /^5\d\d/.test(f.why)), ...result.failures.filter((f) => !/^5\d\d/.test(f.why)).slice(0, SHOWN)];
  for (const f of shown) console.log(`FAIL (seed ${SEED}) ${f.why}\n  ${describeRequest(f.request)}`);
  if (result.failures.length > shown.length) console.log(`... and ${result.failures.length - shown.length} more failures (seed ${SEED})`);
  for (const s of result.slowest.slice(0, 3)) console.log(`slow: ${s.ms} ms ${describeRequest(s.request).slice(0, 300)}`);
  assert.ok(result.sent >= COUNT, `sent ${result.sent} of ${COUNT}`);
  assert.equal(crashed, false, `the server exited:\n${server.logs().slice(-3000)}`);
  assert.equal(result.failures.length, 0, `seed ${SEED}: ${result.failures.length} bad replies (${fives} with 5xx), listed above`);
});

test('the server is still whole afterwards', async () => {
  assert.ok(result, 'the hostile run did not finish');
  assert.equal(server.process.exitCode, null, 'the server exited');
  const ready = await api.request('GET', '/readyz');
  assert.equal(ready.status, 200);
  const metrics = await api.request('GET', '/metrics');
  const uncaught = [...metrics.body.matchAll(/^k8ts_uncaught_errors_total\{[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
  assert.equal(uncaught, 0, `errors escaped every handler:\n${server.logs().split('\n').filter((l) => l.includes('uncaught') || l.includes('unhandled')).slice(0, 10).join('\n')}`);
});

test('a normal create, get, list and watch still work', async () => {
  // A namespace of its own: the hostile run may have deleted its namespaces (a DELETE is hostile input too).
  assert.equal((await api.json('POST', '/api/v1/namespaces', { metadata: { name: 'hostile-after' } })).status, 201);
  const path = '/api/v1/namespaces/hostile-after/configmaps';
  const created = await api.json<{ metadata: { resourceVersion: string } }>('POST', path, { metadata: { name: 'round-trip' }, data: { a: '1' } });
  assert.equal(created.status, 201);
  assert.equal((await api.json('GET', `${path}/round-trip`)).status, 200);
  const list = await api.json<{ items: { metadata: { name: string } }[] }>('GET', `${path}?fieldSelector=metadata.name%3Dround-trip`);
  assert.deepEqual(list.body.items.map((i) => i.metadata.name), ['round-trip']);
  const w = api.watch(`${path}?watch=true&fieldSelector=metadata.name%3Dround-trip&timeoutSeconds=5`);
  assert.equal(await w.status, 200);
  await eventually(async () => w.events.some((e) => e.type === 'ADDED'), 5000, 'ADDED event');
  w.stop();
});

test('nothing is partly written', async () => {
  assert.ok(result, 'the hostile run did not finish');
  const changed = (key: string): boolean => {
    const [plural, ns] = key.split('/');
    return result.changed.has('*') || result.changed.has(key) || result.changed.has(`${plural}/${ns}/*`) || result.changed.has(`${plural}//*`);
  };
  const untouched = new Map([...seedVersions].filter(([key]) => !changed(key)));
  const { problems, checked } = await checkIntegrity(api, { refusedCreates: result.refusedCreates, untouched });
  console.log(`hostile-input integrity: ${checked} objects read back, ${result.refusedCreates.length} refused creates absent, ${untouched.size} untouched seeds unchanged`);
  assert.deepEqual(problems, []);
});
