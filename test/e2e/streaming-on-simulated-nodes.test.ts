/**
 * The API server's streaming subresources without a real node, driven by
 * kubectl 1.35 and a raw HTTPS client against one `k8ts server
 * --simulated-nodes 1`: the fixed log line of a simulated node, exec,
 * attach and port-forward refused at once, upstream's validation texts and
 * codes, a kubelet that cannot be reached (a Node whose kubelet port is
 * closed), a kubelet whose certificate is not of the cluster CA (refused
 * unless insecureSkipTLSVerifyBackend), `kubectl debug` adding an
 * ephemeral container, and discovery.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, request } from 'node:https';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { RawClient } from '../harness/raw-client.js';
import { issueCertificate } from '../../src/api/x509/certificate.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let k: Kubectl;
let raw: RawClient;
let closedPort = 0;

interface StatusBody { kind?: string; code?: number; reason?: string; message?: string; details?: { causes?: { field?: string; reason?: string }[] } }

/** An upgrade request as kubectl sends it; resolves with the non-101 answer, or `upgraded` (socket closed). */
function upgrade(path: string, headers: Record<string, string>, opts: { method?: string; anonymous?: boolean } = {}): Promise<{ status: number; body: string } | 'upgraded'> {
  const kc = parse(readFileSync(server.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
  return new Promise((resolve, reject) => {
    const req = request(kc.clusters[0].cluster.server + path, {
      method: opts.method ?? 'POST', agent: false, ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
      ...(opts.anonymous ? {} : { cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']) }),
      headers: { Connection: 'Upgrade', ...headers },
    });
    req.once('upgrade', (_res, socket) => { socket.destroy(); resolve('upgraded'); });
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

const SPDY = { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };
const WS = { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' };

async function status(path: string, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; body: StatusBody }> {
  const r = await upgrade(path, headers, { method });
  assert.notEqual(r, 'upgraded', `${path} was upgraded`);
  const { status: code, body } = r as { status: number; body: string };
  return { status: code, body: JSON.parse(body) as StatusBody };
}

before(async () => {
  if (skip) return;
  server = await startServer({ args: ['--simulated-nodes', '1'] });
  k = new Kubectl(bin.path!, server.kubeconfig);
  raw = new RawClient(server.kubeconfig);
  await eventually(() => / Ready /.test(k.ok(['get', 'nodes', '--no-headers'])), 30_000, 'a Ready simulated node');
  // A node with a kubelet address where nothing listens: a port taken, then freed.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  k.ok(['apply', '-f', '-'], { input: `apiVersion: v1
kind: Node
metadata: {name: ghost}
---
apiVersion: v1
kind: Pod
metadata: {name: on-ghost}
spec:
  nodeName: ghost
  containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: done}
spec:
  nodeName: ghost
  containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: nowhere}
spec:
  nodeSelector: {no-such: label}
  containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: multi}
spec:
  initContainers: [{name: setup, image: busybox}]
  containers: [{name: a, image: busybox}, {name: b, image: busybox}]
` });
  const nodeStatus = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: closedPort } } } };
  k.ok(['patch', 'node', 'ghost', '--subresource=status', '--type=merge', '-p', JSON.stringify(nodeStatus)]);
  k.ok(['patch', 'pod', 'done', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Succeeded"}}']);
  k.ok(['run', 'web', '--image=busybox', '--', 'sleep', '3600']);
  await eventually(() => k.ok(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}']) === 'Running', 30_000, 'web Running');
  await eventually(() => k.ok(['get', 'pod', 'multi', '-o', 'jsonpath={.spec.nodeName}']) !== '', 30_000, 'multi scheduled');
});
after(async () => { await server?.stop(); });

test('kubectl logs on a simulated node prints its one fixed line, shaped by --timestamps, --tail and --limit-bytes', { skip, timeout: 60_000 }, () => {
  const line = 'k8ts simulated node sim-node-0: container web of pod default/web runs no process, so it has no log';
  assert.equal(k.ok(['logs', 'web']), `${line}\n`);
  assert.match(k.ok(['logs', 'web', '--timestamps']), new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z ${line}\\n$`));
  assert.equal(k.ok(['logs', 'web', '--tail=0']), '');
  assert.equal(k.ok(['logs', 'web', '--limit-bytes=8']), 'k8ts sim');
  assert.equal(k.ok(['logs', 'multi', '-c', 'b']), 'k8ts simulated node sim-node-0: container b of pod default/multi runs no process, so it has no log\n');
});

test('kubectl exec, attach and port-forward on a simulated node fail at once with a clear message', { skip, timeout: 60_000 }, () => {
  for (const [args, what] of [[['exec', 'web', '--', 'ls'], 'exec'], [['attach', 'web'], 'attach']] as const) {
    const started = Date.now();
    const r = k.run([...args], { timeoutMs: 20_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(Date.now() - started < 10_000, `${what} took ${Date.now() - started} ms`);
    assert.match(r.stderr, new RegExp(`Error from server \\(BadRequest\\): pod web runs on simulated node sim-node-0, which has no kubelet and no containers: ${what} is not possible`));
  }
  const r = k.run(['port-forward', 'pod/web', ':80'], { timeoutMs: 20_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /which has no kubelet and no containers: port-forward is not possible/);
});

test('exec validation through the raw client: upstream texts and codes, SPDY and WebSocket alike', { skip, timeout: 60_000 }, async () => {
  const base = '/api/v1/namespaces/default/pods';
  for (const headers of [SPDY, WS]) {
    const method = headers === WS ? 'GET' : 'POST';
    let r = await status(`${base}/web/exec?command=ls&container=nope&stdout=true`, headers, method);
    assert.deepEqual([r.status, r.body.reason, r.body.message], [400, 'BadRequest', 'container nope is not valid for pod web']);
    r = await status(`${base}/multi/exec?command=ls&stdout=true`, headers, method);
    assert.deepEqual([r.status, r.body.message], [400, 'a container name must be specified for pod multi, choose one of: [setup a b]']);
    r = await status(`${base}/nowhere/exec?command=ls&stdout=true`, headers, method);
    assert.deepEqual([r.status, r.body.message], [400, 'pod nowhere does not have a host assigned']);
    r = await status(`${base}/done/exec?command=ls&stdout=true`, headers, method);
    assert.deepEqual([r.status, r.body.message], [400, 'cannot exec into a container in a completed pod; current phase is Succeeded']);
    r = await status(`${base}/done/attach?stdout=true`, headers, method);
    assert.deepEqual([r.status, r.body.message], [400, 'cannot attach a container in a completed pod; current phase is Succeeded']);
    r = await status(`${base}/missing/exec?command=ls&stdout=true`, headers, method);
    assert.deepEqual([r.status, r.body.reason, r.body.message], [404, 'NotFound', 'pods "missing" not found']);
    r = await status(`${base}/nowhere/portforward`, headers === WS ? { ...WS, 'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io' } : { ...SPDY, 'X-Stream-Protocol-Version': 'portforward.k8s.io' }, method);
    assert.deepEqual([r.status, r.body.message], [400, 'pod nowhere does not have a host assigned']);
  }
  // A plain request to exec, an upgrade to a resource that takes none, and no client certificate.
  const plain = await raw.json<StatusBody>('POST', `${base}/web/exec?command=ls&stdout=true`);
  assert.deepEqual([plain.status, plain.body.message], [400, 'Upgrade request required']);
  const notConnect = await status(`${base}/web`, WS, 'GET');
  assert.equal(notConnect.status, 400);
  const nodeProxy = await raw.json<StatusBody>('GET', '/api/v1/nodes/sim-node-0/proxy/healthz');
  assert.deepEqual([nodeProxy.status, nodeProxy.body.message], [400, 'node sim-node-0 is a simulated node, which has no kubelet: nodes/proxy is not possible']);
  const podProxy = await raw.json<StatusBody>('GET', `${base}/nowhere/proxy/`);
  assert.deepEqual([podProxy.status, podProxy.body.message], [400, 'address not allowed']);
  k.ok(['create', 'service', 'clusterip', 'lonely', '--tcp=80:8080']);
  const svcProxy = await eventually(async () => {
    const r = await raw.json<StatusBody>('GET', '/api/v1/namespaces/default/services/lonely:80/proxy/');
    return r.status === 503 ? r : undefined;
  }, 20_000, 'services/proxy 503') as { status: number; body: StatusBody };
  assert.deepEqual([svcProxy.body.reason, svcProxy.body.message], ['ServiceUnavailable', 'no endpoints available for service "lonely"']);
  const noPort = await raw.json<StatusBody>('GET', '/api/v1/namespaces/default/services/lonely:99/proxy/');
  assert.deepEqual([noPort.status, noPort.body.message], [503, 'no service port 99 found for service "lonely"']);
  const anon = await upgrade(`${base}/web/exec?command=ls&stdout=true`, SPDY, { anonymous: true });
  assert.equal(anon !== 'upgraded' && anon.status, 401);
});

test('a kubelet that cannot be reached: upstream\'s 500 for logs and exec, without a reason', { skip, timeout: 60_000 }, async () => {
  const logs = await raw.json<StatusBody>('GET', '/api/v1/namespaces/default/pods/on-ghost/log?follow=true&tailLines=3');
  assert.equal(logs.status, 500);
  assert.equal(logs.body.reason, undefined);
  assert.equal(logs.body.message, `Get "https://127.0.0.1:${closedPort}/containerLogs/default/on-ghost/app?follow=true&tailLines=3": dial tcp 127.0.0.1:${closedPort}: connect: connection refused`);
  const exec = await status('/api/v1/namespaces/default/pods/on-ghost/exec?command=ls&stdout=true', SPDY);
  assert.deepEqual([exec.status, exec.body.reason, exec.body.message], [500, undefined, `error dialing backend: dial tcp 127.0.0.1:${closedPort}: connect: connection refused`]);
  const proxy = await raw.json<StatusBody>('GET', '/api/v1/nodes/ghost/proxy/healthz');
  assert.deepEqual([proxy.status, proxy.body.reason, proxy.body.message],
    [503, 'ServiceUnavailable', `error trying to reach service: dial tcp 127.0.0.1:${closedPort}: connect: connection refused`]);
  const r = k.run(['logs', 'on-ghost']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`Error from server: Get "https://127\\.0\\.0\\.1:${closedPort}/containerLogs/default/on-ghost/app": dial tcp 127\\.0\\.0\\.1:${closedPort}: connect: connection refused`));
});

test('the kubelet\'s serving certificate must verify against the cluster CA, unless insecureSkipTLSVerifyBackend', { skip, timeout: 60_000 }, async () => {
  // A TLS listener with a self-signed certificate where the node says its kubelet is.
  const own = issueCertificate({ commonName: 'impostor', validityDays: 1, extKeyUsages: ['serverAuth'], sans: ['impostor', '127.0.0.1'] });
  let sawClientCert = false;
  const impostor = createHttpsServer({ cert: own.certPem, key: own.keyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    sawClientCert = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN === 'kube-apiserver-kubelet-client';
    res.end(`log of ${req.url}\n`);
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  const port = (impostor.address() as { port: number }).port;
  try {
    k.ok(['apply', '-f', '-'], { input: `apiVersion: v1
kind: Node
metadata: {name: impostor}
---
apiVersion: v1
kind: Pod
metadata: {name: on-impostor}
spec:
  nodeName: impostor
  containers: [{name: app, image: busybox}]
` });
    k.ok(['patch', 'node', 'impostor', '--subresource=status', '--type=merge', '-p',
      JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } })]);
    const refused = await raw.json<StatusBody>('GET', '/api/v1/namespaces/default/pods/on-impostor/log');
    assert.deepEqual([refused.status, refused.body.message],
      [500, `Get "https://127.0.0.1:${port}/containerLogs/default/on-impostor/app": tls: failed to verify certificate: x509: certificate signed by unknown authority`]);
    const skipped = await raw.request('GET', '/api/v1/namespaces/default/pods/on-impostor/log?insecureSkipTLSVerifyBackend=true&tailLines=2');
    assert.deepEqual([skipped.status, skipped.body], [200, 'log of /containerLogs/default/on-impostor/app?tailLines=2\n']);
    assert.ok(sawClientCert, 'the API server presented its kubelet client certificate');
  } finally {
    impostor.close();
  }
});

test('pods/log validation: 422 Invalid with field causes, 400 for the container, empty 200 without a node', { skip, timeout: 60_000 }, async () => {
  const base = '/api/v1/namespaces/default/pods';
  let r = await raw.json<StatusBody>('GET', `${base}/web/log?tailLines=-1`);
  assert.deepEqual([r.status, r.body.reason, r.body.message], [422, 'Invalid', 'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(r.body.details?.causes?.map((c) => [c.reason, c.field]), [['FieldValueInvalid', 'tailLines']]);
  r = await raw.json<StatusBody>('GET', `${base}/web/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z`);
  assert.deepEqual([r.status, r.body.message], [422, 'PodLogOptions "web" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified']);
  r = await raw.json<StatusBody>('GET', `${base}/web/log?limitBytes=0`);
  assert.equal(r.status, 422);
  r = await raw.json<StatusBody>('GET', `${base}/web/log?tailLines=x`);
  assert.deepEqual([r.status, r.body.message], [400, 'strconv.ParseInt: parsing "x": invalid syntax']);
  r = await raw.json<StatusBody>('GET', `${base}/multi/log`);
  assert.deepEqual([r.status, r.body.message], [400, 'a container name must be specified for pod multi, choose one of: [setup a b]']);
  r = await raw.json<StatusBody>('GET', `${base}/web/log?container=nope`);
  assert.deepEqual([r.status, r.body.message], [400, 'container nope is not valid for pod web']);
  const empty = await raw.request('GET', `${base}/nowhere/log`);
  assert.deepEqual([empty.status, empty.body], [200, '']);
  // kubectl picks the first container itself and says so.
  const kr = k.run(['logs', 'multi']);
  assert.equal(kr.status, 0, kr.stderr);
  assert.match(kr.stderr, /Defaulted container "a" out of: a, b, setup \(init\)/);
  assert.match(kr.stdout, /container a of pod default\/multi/);
});

test('kubectl debug adds an ephemeral container through pods/ephemeralcontainers; logs and validation know it', { skip, timeout: 60_000 }, async () => {
  const out = k.ok(['debug', 'web', '--image=busybox', '--container=dbg']);
  assert.match(out, /dbg|^$/);
  const eph = JSON.parse(k.ok(['get', 'pod', 'web', '-o', 'jsonpath={.spec.ephemeralContainers}'])) as { name: string; image: string; terminationMessagePolicy?: string }[];
  assert.deepEqual(eph.map((c) => [c.name, c.image, c.terminationMessagePolicy]), [['dbg', 'busybox', 'File']]);
  assert.match(k.ok(['logs', 'web', '-c', 'dbg']), /container dbg of pod default\/web/);
  k.ok(['debug', 'web', '--image=busybox', '--container=dbg2']);
  assert.deepEqual(k.ok(['get', 'pod', 'web', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}']).split(' ').sort(), ['dbg', 'dbg2']);
  const path = '/api/v1/namespaces/default/pods/web/ephemeralcontainers';
  const patch = (body: unknown): Promise<{ status: number; body: StatusBody }> =>
    raw.json<StatusBody>('PATCH', path, body, { 'Content-Type': 'application/strategic-merge-patch+json' });
  let r = await patch({ spec: { ephemeralContainers: [{ name: 'bad', image: 'busybox', ports: [{ containerPort: 80 }] }] } });
  assert.equal(r.status, 422);
  assert.match(r.body.message ?? '', /spec\.ephemeralContainers\[\d\]\.ports: Forbidden: cannot be set for an Ephemeral Container/);
  r = await patch({ spec: { ephemeralContainers: [{ name: 'web', image: 'busybox' }] } });
  assert.match(r.body.message ?? '', /spec\.ephemeralContainers\[\d\]\.name: Duplicate value: "web"/);
  r = await patch({ spec: { ephemeralContainers: [{ name: 't', image: 'busybox', targetContainerName: 'nope' }] } });
  assert.match(r.body.message ?? '', /spec\.ephemeralContainers\[\d\]\.targetContainerName: Not found: "nope"/);
  r = await raw.json<StatusBody>('PATCH', path, [{ op: 'replace', path: '/spec/ephemeralContainers/0/image', value: 'other' }], { 'Content-Type': 'application/json-patch+json' });
  assert.deepEqual([r.status, r.body.reason], [422, 'Invalid']);
  assert.match(r.body.message ?? '', /existing ephemeral containers "dbg" may not be changed/);
  // Only spec.ephemeralContainers changes: other fields in the same patch are dropped.
  const ok = await raw.json<{ metadata: { labels?: Record<string, string> }; spec: { ephemeralContainers: { name: string }[] } }>('PATCH', path,
    { metadata: { labels: { sneaky: 'yes' } }, spec: { ephemeralContainers: [{ name: 'second', image: 'busybox' }] } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.spec.ephemeralContainers.map((c) => c.name).sort(), ['dbg', 'dbg2', 'second']);
  assert.equal(ok.body.metadata.labels?.sneaky, undefined);
  const got = await raw.json<{ kind: string }>('GET', path);
  assert.deepEqual([got.status, got.body.kind], [200, 'Pod']);
});

test('discovery lists the streaming subresources as upstream does', { skip, timeout: 60_000 }, async () => {
  const list = (await raw.json<{ resources: { name: string; kind: string; verbs: string[] }[] }>('GET', '/api/v1')).body.resources;
  const of = (name: string): [string, string[]] | undefined => {
    const r = list.find((x) => x.name === name);
    return r && [r.kind, r.verbs];
  };
  assert.deepEqual(of('pods/exec'), ['PodExecOptions', ['create', 'get']]);
  assert.deepEqual(of('pods/attach'), ['PodAttachOptions', ['create', 'get']]);
  assert.deepEqual(of('pods/portforward'), ['PodPortForwardOptions', ['create', 'get']]);
  assert.deepEqual(of('pods/log'), ['Pod', ['get']]);
  assert.deepEqual(of('pods/ephemeralcontainers'), ['Pod', ['get', 'patch', 'update']]);
  assert.deepEqual(of('pods/proxy'), ['PodProxyOptions', ['create', 'delete', 'get', 'patch', 'update']]);
  assert.deepEqual(of('services/proxy'), ['ServiceProxyOptions', ['create', 'delete', 'get', 'patch', 'update']]);
  assert.deepEqual(of('nodes/proxy'), ['NodeProxyOptions', ['create', 'delete', 'get', 'patch', 'update']]);
});
