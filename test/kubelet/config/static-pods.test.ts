/**
 * The static pod sources end to end without a kubelet: a real manifest
 * directory and a real HTTP server, read by StaticPods; additions, changes
 * and removals are reported by key, bad manifests are logged and ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SEEN_ANNOTATION, CONFIG_SOURCE_ANNOTATION, FileSource, HttpSource, StaticPods, parseManifestUrlHeaders } from '../../../src/kubelet/index.js';
import { capturingLogger } from './log-lines.js';

const manifest = (name: string, arg = '1'): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: busybox:1\n    args: ["${arg}"]\n`;

function writeAtomically(path: string, data: string): void {
  const tmp = join(path, '..', `.${Date.now()}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

test('a manifest directory: add, change, remove, hidden and bad files', async () => {
  const dir = mkdtempSync('/tmp/k8ts-manifests-');
  const { logger, lines } = capturingLogger();
  const pods = new StaticPods([new FileSource(dir, { nodeName: 'n1', logger })], { logger, checkIntervalMs: 60_000 });
  const changed: string[] = [];
  pods.onChange((k) => changed.push(k));
  try {
    assert.equal(pods.hasSynced(), false);
    writeFileSync(join(dir, 'a.yaml'), manifest('a'));
    writeFileSync(join(dir, '.hidden.yaml'), manifest('hidden'));
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nspec: {}');
    await pods.refresh();
    assert.equal(pods.hasSynced(), true);
    assert.deepEqual(changed, ['default/a-n1']);
    assert.deepEqual(pods.list().map((p) => p.metadata?.name), ['a-n1'], 'the hidden and the bad file hold no pod');
    const a = pods.get('default/a-n1')!;
    assert.equal(a.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION], 'file');
    assert.ok(!Number.isNaN(Date.parse(a.metadata?.annotations?.[CONFIG_SEEN_ANNOTATION] ?? '')));
    const errors = lines().filter((l) => l['msg'] === 'could not process manifest file; it is ignored');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.['path'], join(dir, 'bad.yaml'));
    assert.match(String(errors[0]?.['err']), /name is needed/);

    changed.length = 0;
    await pods.refresh();
    assert.deepEqual(changed, [], 'nothing changed: nothing reported');
    assert.equal(pods.get('default/a-n1'), a, 'same pod, same seen time');
    assert.equal(lines().filter((l) => l['msg'] === 'could not process manifest file; it is ignored').length, 1, 'the same error is logged once');

    writeFileSync(join(dir, 'a.yaml'), manifest('a', '2'));
    await pods.refresh();
    assert.deepEqual(changed, ['default/a-n1']);
    assert.notEqual(pods.get('default/a-n1')?.metadata?.uid, a.metadata?.uid, 'a new hash');

    changed.length = 0;
    unlinkSync(join(dir, 'a.yaml'));
    await pods.refresh();
    assert.deepEqual(changed, ['default/a-n1']);
    assert.equal(pods.get('default/a-n1'), undefined);
  } finally {
    await pods.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fs.watch reports a new manifest long before the next poll; a missing directory holds no pods', async () => {
  const root = mkdtempSync('/tmp/k8ts-manifests-');
  const { logger } = capturingLogger();
  const missing = new StaticPods([new FileSource(join(root, 'nope'), { nodeName: 'n1', logger })], { logger });
  await missing.refresh();
  assert.equal(missing.hasSynced(), true);
  assert.deepEqual(missing.list(), []);
  const pods = new StaticPods([new FileSource(root, { nodeName: 'n1', logger })], { logger, checkIntervalMs: 60_000, debounceMs: 20 });
  try {
    const added = new Promise<string>((resolve) => pods.onChange(resolve));
    pods.start();
    await new Promise((r) => setTimeout(r, 200));
    writeAtomically(join(root, 'w.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } }));
    const key = await Promise.race([added, new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
    assert.equal(key, 'kube-system/w-n1');
  } finally {
    await pods.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('one manifest file as the path: replaced by a rename, it is read again at once', async () => {
  const root = mkdtempSync('/tmp/k8ts-manifests-');
  const path = join(root, 'only.yaml');
  const { logger } = capturingLogger();
  const pods = new StaticPods([new FileSource(path, { nodeName: 'n1', logger })], { logger, checkIntervalMs: 60_000, debounceMs: 20 });
  const changed: string[] = [];
  pods.onChange((k) => changed.push(k));
  try {
    writeFileSync(path, manifest('one'));
    pods.start();
    await eventually(() => changed.length === 1);
    const first = pods.get('default/one-n1')?.metadata?.uid;
    assert.ok(first);
    for (const [i, arg] of ['2', '3'].entries()) {
      // Twice: a watch of the file itself would see the first rename, then watch a file that is gone.
      writeAtomically(path, manifest('one', arg));
      await eventually(() => changed.length === 2 + i);
      assert.equal(pods.get('default/one-n1')?.spec?.containers[0]?.args?.[0], arg);
    }
    assert.notEqual(pods.get('default/one-n1')?.metadata?.uid, first);
    writeFileSync(join(root, 'other.yaml'), manifest('other'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(changed.length, 3, 'other files beside it are not read');
  } finally {
    await pods.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

async function eventually(fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a manifest URL: headers sent, Pod or PodList, a failing URL keeps the pods read before', async () => {
  let body = manifest('u');
  let status = 200;
  const seenHeaders: Array<string | string[] | undefined> = [];
  const server = createServer((req, res) => {
    seenHeaders.push(req.headers['x-token']);
    res.writeHead(status).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pods`;
  const { logger, lines } = capturingLogger();
  const pods = new StaticPods([new HttpSource(url, { nodeName: 'n1', headers: parseManifestUrlHeaders(['x-token:a,other:b', 'x-token:c']) })], { logger });
  try {
    await pods.refresh();
    assert.deepEqual(seenHeaders, ['a, c']);
    assert.deepEqual(pods.list().map((p) => p.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION]), ['http']);
    const before = pods.get('default/u-n1');
    assert.ok(before);

    status = 500;
    await pods.refresh();
    assert.equal(pods.get('default/u-n1'), before, 'kept while the URL fails');
    assert.ok(lines().some((l) => l['msg'] === 'could not read static pods; keeping the ones read before' && /500/.test(String(l['err']))));

    status = 200;
    body = 'apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec: {containers: "x"}';
    await pods.refresh();
    assert.equal(pods.get('default/u-n1'), before, 'kept while the body does not decode');

    body = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [] });
    await pods.refresh();
    assert.deepEqual(pods.list(), []);
  } finally {
    await pods.stop();
    server.close();
  }
  assert.throws(() => new HttpSource('ftp://x/y', { nodeName: 'n' }), /invalid manifest URL "ftp:\/\/x\/y"/);
  assert.throws(() => parseManifestUrlHeaders(['novalue']), /want key:value/);
});
