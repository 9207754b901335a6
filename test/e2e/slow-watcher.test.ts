/**
 * A watcher that stops reading is closed once the server holds more than the
 * configured bytes for it: memory stays bounded and everyone else goes on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let api: RawClient;

before(async () => {
  // No controllers: their watches would move the watcher gauge this test reads.
  server = await startServer({ args: ['--max-watch-buffer-bytes', String(1024 * 1024), '--disable-controllers'] });
  api = new RawClient(server.kubeconfig);
});
after(async () => { api?.close(); await server?.stop(); });

test('a watcher that does not read is closed; a reading one keeps up', async () => {
  const watchers = async (): Promise<number> =>
    Number(/^apiserver_registered_watchers (\d+)$/m.exec((await api.request('GET', '/metrics')).body)?.[1]);
  const before = await watchers();
  const kc = parse(readFileSync(server.kubeconfig, 'utf8')) as { users: { user: Record<string, string> }[]; clusters: { cluster: Record<string, string> }[] };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  let ended = false;
  let received = 0;
  let slowRes: { resume(): void } | undefined;
  const slow = request(`${api.server}/api/v1/namespaces/default/configmaps?watch=1`, {
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
    agent: false,
  }, (res) => {
    res.pause(); // never reads until the end of the test
    slowRes = res;
    res.on('data', (c: Buffer) => { received += c.length; });
    res.on('end', () => { ended = true; });
    res.on('error', () => { ended = true; });
  });
  slow.on('error', () => { ended = true; });
  slow.end();
  const fast = api.watch('/api/v1/namespaces/default/configmaps?watch=1');
  await new Promise((r) => setTimeout(r, 300));

  const payload = 'x'.repeat(8 * 1024);
  for (let i = 0; i < 2000; i++) {
    const r = await api.json('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `big-${i}` }, data: { v: payload } })
      .catch((e: unknown) => { throw new Error(`create ${i} failed: ${String(e)}\n${server.logs().slice(-3000)}`); });
    assert.equal(r.status, 201);
  }
  await eventually(() => fast.events.length >= 2000, 15_000, 'the reading watcher to get every event');
  fast.stop();
  // Let the paused one drain what reached its socket: it must end, short of the 12 MB sent.
  slowRes?.resume();
  await eventually(() => ended, 15_000, 'the server to close the slow watcher');
  assert.ok(received < 2000 * payload.length, `the slow watcher got less than everything (${received} bytes)`);
  await eventually(async () => (await watchers()) === before, 5000, 'the watcher gauge to drop back');
});
