/** The HTTP side of OpenApiService: content types, caching headers, errors. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { BUILTIN_RESOURCES } from '../../src/api/resources.js';
import { OpenApiService } from '../../src/apiserver/openapi/index.js';
import { serve, type TestServer } from './serve.js';

let server: TestServer;
const service = new OpenApiService(BUILTIN_RESOURCES);

before(async () => { server = await serve(service); });
after(async () => { await server.close(); });

const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> =>
  fetch(server.url + path, { method, headers, redirect: 'manual' });

test('GET /openapi/v3 is a JSON index with a strong ETag; If-None-Match gives 304', async () => {
  const res = await get('/openapi/v3');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.headers.get('cache-control'), 'no-cache, private');
  const etag = res.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9A-F]{128}"$/);
  const body = await res.json() as { paths: Record<string, { serverRelativeURL: string }> };
  assert.ok(body.paths['apis/apps/v1']);
  const again = await get('/openapi/v3', { 'If-None-Match': etag! });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
});

test('a group-version document: hash match is immutable, stale hash redirects, no hash revalidates', async () => {
  const index = await (await get('/openapi/v3')).json() as { paths: Record<string, { serverRelativeURL: string }> };
  const url = index.paths['apis/apps/v1']!.serverRelativeURL;
  const hash = url.split('hash=')[1]!;

  const fresh = await get(url, { Accept: 'application/json' });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.headers.get('content-type'), 'application/json');
  assert.equal(fresh.headers.get('cache-control'), 'public, immutable');
  assert.ok(fresh.headers.get('expires'));
  assert.equal(fresh.headers.get('etag'), `"${hash}"`);
  const doc = await fresh.json() as { openapi: string; info: { title: string; version: string } };
  assert.equal(doc.openapi, '3.0.0');
  assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.33.0+k8ts' });

  const stale = await get('/openapi/v3/apis/apps/v1?hash=0123');
  assert.equal(stale.status, 301);
  assert.equal(stale.headers.get('location'), url);

  const plain = await get('/openapi/v3/apis/apps/v1');
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('cache-control'), 'no-cache, private');
  assert.equal((await get('/openapi/v3/apis/apps/v1', { 'If-None-Match': `"${hash}"` })).status, 304);
  assert.equal((await get('/openapi/v3/apis/apps/v1', { 'If-None-Match': `W/"${hash}", "other"` })).status, 304);
});

test('errors are Status objects: unknown document 404, protobuf-only v3 406, POST 405', async () => {
  const missing = await get('/openapi/v3/apis/nope/v1');
  assert.equal(missing.status, 404);
  const status = await missing.json() as { kind: string; status: string; reason: string; code: number };
  assert.deepEqual([status.kind, status.status, status.reason, status.code], ['Status', 'Failure', 'NotFound', 404]);
  assert.equal((await get('/openapi/v3/apis/apps/v1', { Accept: 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf' })).status, 406);
  const post = await get('/openapi/v2', {}, 'POST');
  assert.equal(post.status, 405);
  assert.equal((await post.json() as { reason: string }).reason, 'MethodNotAllowed');
});

test('GET /openapi/v2 is JSON unless protobuf is asked for; never the @ form', async () => {
  for (const accept of ['application/json', '*/*', '', 'application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'text/html']) {
    const res = await get('/openapi/v2', accept ? { Accept: accept } : {});
    assert.equal(res.status, 200, accept);
    assert.equal(res.headers.get('content-type'), 'application/json', accept);
    const doc = await res.json() as { swagger: string; definitions: Record<string, unknown> };
    assert.equal(doc.swagger, '2.0');
    assert.ok(doc.definitions['io.k8s.api.apps.v1.Deployment']);
  }
  for (const accept of ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json']) {
    const res = await get('/openapi/v2', { Accept: accept });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes[0], 0x0a, 'starts with field 1 (swagger), length-delimited');
    assert.ok(!res.headers.get('content-type')?.includes('@'));
  }
});

test('large bodies are gzipped for clients that accept it; HEAD has no body', async () => {
  const res = await fetch(server.url + '/openapi/v2', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  const doc = await res.json() as { swagger: string }; // fetch gunzips
  assert.equal(doc.swagger, '2.0');
  const raw = await import('node:http').then((http) => new Promise<Buffer>((resolve, reject) => {
    http.get(server.url + '/openapi/v2', { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  }));
  assert.equal(JSON.parse(gunzipSync(raw).toString('utf8')).swagger, '2.0');
  const head = await get('/openapi/v3', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('handle() leaves other paths alone', async () => {
  assert.equal((await get('/api')).status, 404);
  assert.equal((await get('/openapi')).status, 404);
  assert.ok(server.requests.some((r) => r.startsWith('GET /api ')));
});
