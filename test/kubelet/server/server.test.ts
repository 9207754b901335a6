/**
 * The kubelet's HTTPS server against an in-memory CRI and this host's
 * /proc: health for anyone, everything else only with a client certificate
 * of the client CA; the metrics and Summary texts carry the runtime's
 * numbers under upstream's names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { issueCertificate, type CertificatePem } from '../../../src/api/x509/certificate.js';
import { X509Certificate } from 'node:crypto';
import {
  KubeletMetrics, KubeletServer, StatsProvider, ensureServingCertificate, parseProcStat, renderResourceMetrics, trackPodStarts, type Summary,
} from '../../../src/kubelet/server/index.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';

interface Reply { status: number; body: string }

function get(port: number, path: string, ca: string, client?: { certPem: string; keyPem: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost', ...(client ? { cert: client.certPem, key: client.keyPem } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('kubelet server: health, auth, pods, metrics, resource metrics and the Summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-server-'));
  const cri = new FakeCri();
  const labels = { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'u1', 'io.kubernetes.container.name': 'app' };
  const sb = await cri.runPodSandbox({ metadata: { name: 'web', namespace: 'default', uid: 'u1' }, labels });
  const dead = await cri.createContainer(sb, { metadata: { name: 'app', attempt: 0 }, image: { image: 'img' }, labels, logPath: join(dir, '0.log') });
  cri.exit(dead, 1);
  const id = await cri.createContainer(sb, { metadata: { name: 'app', attempt: 1 }, image: { image: 'img' }, labels, logPath: join(dir, '1.log') });
  await cri.startContainer(id);
  writeFileSync(join(dir, '0.log'), '2026-01-01T00:00:00Z stderr F crashed\n');
  writeFileSync(join(dir, '1.log'), '2026-01-01T00:00:01Z stdout F hello\n');
  cri.usage.set(id, { cpuNs: 2_500_000_000, memoryBytes: 12_345_678 });

  const serving = await ensureServingCertificate({ certPath: join(dir, 'kubelet.crt'), keyPath: join(dir, 'kubelet.key'), hostname: 'n1', sans: ['localhost', '127.0.0.1'] });
  assert.equal(serving.generated, true);
  assert.equal((await ensureServingCertificate({ certPath: join(dir, 'kubelet.crt'), keyPath: join(dir, 'kubelet.key'), hostname: 'n1', sans: ['127.0.0.1'] })).generated, false, 'reused');
  assert.equal((readFileSync(join(dir, 'kubelet.key')).length > 0), true);
  const ca = issueCertificate({ commonName: 'test-ca', validityDays: 1, isCA: true });
  // With an issuer the self-signed one is replaced by one of the cluster CA; a failing issuer leaves a self-signed one.
  const signedPath = { certPath: join(dir, 'signed.crt'), keyPath: join(dir, 'signed.key'), hostname: 'n1', sans: ['n1', '127.0.0.1'] };
  const failing = await ensureServingCertificate({ ...signedPath, issuer: { caPem: ca.certPem, issue: () => Promise.reject(new Error('refused')) } });
  assert.equal(failing.clusterSigned, false);
  assert.equal(failing.issuerError, 'refused');
  let asked: string[] = [];
  const issue = (sans: string[]): Promise<CertificatePem> => {
    asked = sans;
    return Promise.resolve(issueCertificate({ commonName: 'n1', validityDays: 365, extKeyUsages: ['serverAuth'], sans, issuer: ca }));
  };
  const signed = await ensureServingCertificate({ ...signedPath, issuer: { caPem: ca.certPem, issue } });
  assert.deepEqual([signed.generated, signed.clusterSigned, asked], [true, true, ['n1', '127.0.0.1']]);
  assert.ok(new X509Certificate(signed.certPem).checkIssued(new X509Certificate(ca.certPem)));
  const again = await ensureServingCertificate({ ...signedPath, issuer: { caPem: ca.certPem, issue: () => Promise.reject(new Error('not asked')) } });
  assert.deepEqual([again.generated, again.clusterSigned, again.certPem], [false, true, signed.certPem], 'a cluster-signed certificate is reused');
  const client = issueCertificate({ commonName: 'apiserver', validityDays: 1, extKeyUsages: ['clientAuth'], issuer: ca });
  const stranger = issueCertificate({ commonName: 'stranger', validityDays: 1, extKeyUsages: ['clientAuth'] });

  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'img' }] } };
  const metrics = new KubeletMetrics('n1', cri, { processMetrics: false });
  const handlers: Array<{ onAdd?: (p: Pod) => void; onUpdate?: (o: Pod, p: Pod) => void }> = [];
  let now = 1000;
  trackPodStarts({ addEventHandler: (h) => { handlers.push(h); return () => undefined; } }, metrics.podStartDuration, () => now);
  handlers[0]!.onAdd!({ ...pod, status: { phase: 'Pending' } });
  now = 4500;
  handlers[0]!.onUpdate!(pod, { ...pod, status: { phase: 'Running' } });
  handlers[0]!.onUpdate!(pod, { ...pod, status: { phase: 'Running' } });

  const stats = new StatsProvider({ nodeName: 'n1', runtime: cri, images: cri, rootDir: dir, podLogsDir: dir });
  const server = new KubeletServer({ port: 0, address: '127.0.0.1', certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem, pods: () => [pod], metrics, stats, runtime: cri });
  const port = await server.start();
  try {
    assert.deepEqual(await get(port, '/healthz', serving.certPem), { status: 200, body: 'ok' });
    assert.equal((await get(port, '/pods', serving.certPem)).status, 401, 'anonymous');
    assert.equal((await get(port, '/pods', serving.certPem, stranger)).status, 401, 'a certificate of another CA');
    const pods = await get(port, '/pods', serving.certPem, client);
    assert.equal(pods.status, 200);
    assert.deepEqual(JSON.parse(pods.body), { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [pod] });
    assert.equal((await get(port, '/nope', serving.certPem, client)).status, 404);
    assert.deepEqual(await get(port, '/containerLogs/default/web/app', serving.certPem, client), { status: 200, body: 'hello\n' });
    assert.deepEqual(await get(port, '/containerLogs/default/web/app?previous=true', serving.certPem, client), { status: 200, body: 'crashed\n' });
    assert.equal((await get(port, '/containerLogs/default/web/app', serving.certPem)).status, 401);
    assert.deepEqual(await get(port, '/containerLogs/default/web/nope', serving.certPem, client), { status: 404, body: 'container "nope" in pod "web" is not available\n' });
    assert.deepEqual(await get(port, '/containerLogs/default/gone/app', serving.certPem, client), { status: 404, body: 'pod "default/gone" does not exist\n' });
    assert.deepEqual(await get(port, '/containerLogs/default/web/app?tailLines=x', serving.certPem, client), { status: 400, body: 'invalid tailLines "x": want a non-negative integer\n' });

    const m = (await get(port, '/metrics', serving.certPem, client)).body;
    assert.match(m, /^kubelet_running_pods 1$/m);
    assert.match(m, /^kubelet_running_containers\{container_state="running"\} 1$/m);
    assert.match(m, /^kubelet_running_containers\{container_state="exited"\} 1$/m);
    assert.match(m, /^kubelet_node_name\{node="n1"\} 1$/m);
    assert.match(m, /^kubelet_pod_start_duration_seconds_count 1$/m);
    assert.match(m, /^kubelet_pod_start_duration_seconds_bucket\{le="4"\} 1$/m);
    assert.match(m, /^kubelet_pod_start_duration_seconds_bucket\{le="3"\} 0$/m);

    const summary = JSON.parse((await get(port, '/stats/summary', serving.certPem, client)).body) as Summary;
    assert.equal(summary.node.nodeName, 'n1');
    assert.ok((summary.node.memory?.workingSetBytes ?? 0) > 0 && (summary.node.cpu?.usageCoreNanoSeconds ?? 0) > 0);
    assert.ok((summary.node.fs?.capacityBytes ?? 0) > 0 && summary.node.runtime?.imageFs);
    assert.equal(summary.pods.length, 1);
    const p = summary.pods[0]!;
    assert.deepEqual(p.podRef, { name: 'web', namespace: 'default', uid: 'u1' });
    assert.equal(p.memory?.workingSetBytes, 12_345_678);
    assert.deepEqual(p.containers.map((c) => [c.name, c.cpu?.usageCoreNanoSeconds, c.memory?.workingSetBytes, c.rootfs?.usedBytes]), [['app', 2_500_000_000, 12_345_678, 4096]]);
    assert.equal(p['ephemeral-storage']?.usedBytes, 4096);

    const r = (await get(port, '/metrics/resource', serving.certPem, client)).body;
    assert.match(r, /^# TYPE container_cpu_usage_seconds_total counter$/m);
    assert.match(r, /^container_cpu_usage_seconds_total\{container="app",namespace="default",pod="web"\} 2\.5 \d{13}$/m);
    assert.match(r, /^container_memory_working_set_bytes\{container="app",namespace="default",pod="web"\} 12345678 \d{13}$/m);
    assert.match(r, /^pod_memory_working_set_bytes\{namespace="default",pod="web"\} 12345678 \d{13}$/m);
    assert.match(r, /^node_memory_working_set_bytes \d+ \d{13}$/m);
    assert.match(r, /^resource_scrape_error 0$/m);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resource metrics say scrape error 1 without stats; /proc/stat parses to core-nanoseconds', () => {
  assert.equal(renderResourceMetrics(undefined), '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise\n# TYPE resource_scrape_error gauge\nresource_scrape_error 0\n'.replace(' 0\n', ' 1\n'));
  assert.deepEqual(parseProcStat('cpu  100 10 50 9000 40 5 5 0 0 0\ncpu0 1 2 3 4\nbtime 1700000000\n'), { cpuCoreNanoSeconds: 1.7e9, bootTimeMs: 1.7e12 });
  assert.throws(() => parseProcStat('garbage'), /malformed \/proc\/stat/);
});
