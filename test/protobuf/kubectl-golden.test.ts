/**
 * Real-client golden tests: what kubectl 1.35 sends as protobuf, decoded,
 * must equal what kubectl 1.31 sends as JSON for the same command. Go's JSON
 * writes absent non-omitempty fields as `null` (`creationTimestamp: null`);
 * the decoder writes absence, so nulls are removed from the JSON side first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findKubectl } from '../harness/clients.js';
import { decodeKubernetesProtobuf } from '../../src/api/protobuf/index.js';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from './capture-server.js';

const kubectl35 = findKubectl(35);
const kubectl31 = findKubectl(31);
const skipReason = !kubectl35.path ? `kubectl 1.35 not available: ${kubectl35.reason}`
  : !kubectl31.path ? `kubectl 1.31 not available: ${kubectl31.reason}` : undefined;
if (skipReason) console.log(`# skipping kubectl golden tests: ${skipReason}`);

let server: CaptureServer;
/** Serves no autoscaling/v2, so `kubectl autoscale` falls back to autoscaling/v1. */
let v1Server: CaptureServer;
let dir: string;
let tls: { cert: string; key: string } | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-pb-golden-'));
  server = await startCaptureServer();
  v1Server = await startCaptureServer({ hide: ['autoscaling/v2'] });
  writeFileSync(join(dir, 'blob.bin'), Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]));
  writeFileSync(join(dir, 'app.conf'), 'key=value\n');
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=web.example.com',
    '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
  if (ssl.status === 0) tls = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
});

after(async () => {
  await server?.close();
  await v1Server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(srv: CaptureServer, bin: string, args: string[], cacheDir: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(bin, ['--server', srv.url, '--cache-dir', cacheDir, ...args], {
      env: { ...process.env, KUBECONFIG: join(dir, 'no-kubeconfig') }, cwd: dir,
    });
    let out = '';
    p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    p.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** The single POST a kubectl command makes. */
async function capture(srv: CaptureServer, bin: string, args: string[]): Promise<CapturedRequest> {
  const before = srv.requests.length;
  const r = await run(srv, bin, args, mkdtempSync(join(dir, 'cache-')));
  const posts = srv.requests.slice(before);
  assert.equal(posts.length, 1, `expected one POST from ${args.join(' ')}; exit ${r.code}: ${r.out}`);
  return posts[0];
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  }
  return v;
}

/**
 * kubectl 1.31 autoscales with autoscaling/v1 where 1.35 uses autoscaling/v2:
 * the v2 object 1.31's v1 object converts to (as the API server converts it).
 */
function hpaV1ToV2(v1: unknown): unknown {
  const { spec, status, ...rest } = v1 as { spec: Record<string, unknown>; status?: Record<string, unknown> };
  const { targetCPUUtilizationPercentage: cpu, ...specRest } = spec;
  return {
    ...rest, apiVersion: 'autoscaling/v2',
    spec: { ...specRest, ...(cpu === undefined ? {} : {
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } }],
    }) },
    ...(status ? { status: Object.fromEntries(Object.entries(status).filter(([k, v]) => k === 'desiredReplicas' || v !== 0)) } : {}),
  };
}

interface Case {
  name: string;
  args: () => string[];
  /** Which server both clients talk to. @default the full one */
  v1Only?: boolean;
  /** Maps 1.31's JSON (nulls removed) to what 1.35's object must equal. @default identity */
  expect?: (json: unknown) => unknown;
}

const CASES: Case[] = [
  { name: 'deployment', args: () => ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80'] },
  { name: 'deployment zero replicas, several images', args: () => ['create', 'deployment', 'multi', '--image=nginx:1.27', '--image=busybox', '--replicas=0', '-n', 'team-a'] },
  { name: 'configmap', args: () => ['create', 'configmap', 'cfg', '--from-literal=a=b', '--from-literal=empty=', `--from-file=${join(dir, 'app.conf')}`, `--from-file=blob=${join(dir, 'blob.bin')}`] },
  { name: 'secret generic', args: () => ['create', 'secret', 'generic', 'sec', '--from-literal=password=s3cr3t', `--from-file=blob=${join(dir, 'blob.bin')}`, '--type=Opaque'] },
  { name: 'secret docker-registry', args: () => ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example.com', '--docker-username=u', '--docker-password=p', '--docker-email=u@example.com'] },
  { name: 'secret tls', args: () => tls ? ['create', 'secret', 'tls', 'tls', `--cert=${tls.cert}`, `--key=${tls.key}`] : [] },
  { name: 'namespace', args: () => ['create', 'namespace', 'team-a'] },
  { name: 'service clusterip', args: () => ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:https'] },
  { name: 'service clusterip headless', args: () => ['create', 'service', 'clusterip', 'headless', '--clusterip=None'] },
  { name: 'service nodeport', args: () => ['create', 'service', 'nodeport', 'np', '--tcp=80:http', '--node-port=30080'] },
  { name: 'service loadbalancer', args: () => ['create', 'service', 'loadbalancer', 'lb', '--tcp=443:8443'] },
  { name: 'service externalname', args: () => ['create', 'service', 'externalname', 'ext', '--external-name=example.com', '--tcp=80'] },
  { name: 'job', args: () => ['create', 'job', 'pi', '--image=perl:5.34', '--', 'perl', '-Mbignum=bpi', '-wle', 'print bpi(20)'] },
  { name: 'cronjob', args: () => ['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--restart=OnFailure', '--', 'date'] },
  { name: 'role', args: () => ['create', 'role', 'reader', '--verb=get,list,watch', '--resource=pods,deployments.apps,pods/log', '--resource-name=web'] },
  { name: 'clusterrole', args: () => ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/healthz', '--non-resource-url=/metrics'] },
  { name: 'clusterrole aggregation', args: () => ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate=true'] },
  { name: 'rolebinding', args: () => ['create', 'rolebinding', 'rb', '--role=reader', '--user=alice', '--group=devs', '--serviceaccount=default:web'] },
  { name: 'clusterrolebinding', args: () => ['create', 'clusterrolebinding', 'crb', '--clusterrole=cluster-admin', '--user=alice'] },
  { name: 'serviceaccount', args: () => ['create', 'serviceaccount', 'web'] },
  { name: 'quota', args: () => ['create', 'quota', 'q', '--hard=pods=10,requests.cpu=4,limits.memory=8Gi', '--scopes=NotTerminating,BestEffort'] },
  { name: 'priorityclass', args: () => ['create', 'priorityclass', 'high', '--value=1000', '--description=important', '--global-default=true', '--preemption-policy=Never'] },
  { name: 'priorityclass zero', args: () => ['create', 'priorityclass', 'zero', '--value=0'] },
  { name: 'poddisruptionbudget min-available', args: () => ['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=50%'] },
  { name: 'poddisruptionbudget max-unavailable', args: () => ['create', 'poddisruptionbudget', 'pdb2', '--selector=app=web', '--max-unavailable=1'] },
  { name: 'ingress', args: () => ['create', 'ingress', 'web', '--class=nginx', '--rule=web.example.com/*=web:80,tls=web-tls', '--rule=web.example.com/api=api:http', '--default-backend=default:80', '--annotation=a=b'] },
  { name: 'autoscale (autoscaling/v2)', args: () => ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'], expect: hpaV1ToV2 },
  { name: 'autoscale (autoscaling/v2, no cpu target)', args: () => ['autoscale', 'deployment', 'web', '--max=3', '--name=web-hpa'], expect: hpaV1ToV2 },
  // kubectl 1.35 posts autoscaling/v2 even when discovery lacks it; this pins that (and the v1 JSON it replaces).
  { name: 'autoscale without autoscaling/v2 in discovery', args: () => ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'], v1Only: true, expect: hpaV1ToV2 },
  { name: 'auth can-i resource', args: () => ['auth', 'can-i', 'get', 'deployments.apps', '-n', 'kube-system'] },
  { name: 'auth can-i subresource name', args: () => ['auth', 'can-i', 'get', 'pods/log', '--subresource=', '-n', 'default'] },
  { name: 'auth can-i non-resource', args: () => ['auth', 'can-i', 'get', '/healthz'] },
];

for (const c of CASES) {
  test(`kubectl 1.35 protobuf = kubectl 1.31 JSON: ${c.name}`, { skip: skipReason }, async (t) => {
    const args = c.args();
    if (args.length === 0) { t.skip('openssl is not available to make a TLS key pair'); return; }
    const srv = c.v1Only ? v1Server : server;
    const pb = await capture(srv, kubectl35.path!, args);
    assert.match(pb.contentType, /^application\/vnd\.kubernetes\.protobuf/, 'kubectl 1.35 sends protobuf');
    const json = await capture(srv, kubectl31.path!, args);
    assert.match(json.contentType, /^application\/json/, 'kubectl 1.31 sends JSON');
    const expected = (c.expect ?? ((x) => x))(withoutNulls(JSON.parse(json.body.toString('utf8'))));
    const decoded = decodeKubernetesProtobuf(pb.body).object;
    assert.equal(pb.path, json.path.replace('/autoscaling/v1/', c.expect ? '/autoscaling/v2/' : '/autoscaling/v1/'));
    assert.deepEqual(decoded, expected);
  });
}
