/**
 * The kubelet's own server, log rotation and garbage collection, end to
 * end: `k8ts server` and `k8ts agent` as processes with real containerd.
 * Over HTTPS on the node's IP, with a serving certificate of the cluster CA,
 * the agent answers /healthz to anyone and
 * /pods, /metrics and /stats/summary to a client certificate of the
 * cluster CA; a container writing quickly has its log rotated and
 * compressed under a small --container-log-max-size, with a link in the
 * containers dir; a crashing container's older dead instance and its log
 * are garbage collected. Needs root, the README's packages and kubectl
 * 1.35; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { connectCri, type Summary } from '../../src/kubelet/index.js';
import { eventually } from '../harness/kubectl.js';
import { leftoverProcesses } from './leftovers.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';
import { freePort } from '../harness/free-port.js';

const skip = nodeTestSkip();

const LOG_MAX_FILES = 3;


interface Reply { status: number; body: string }

function httpsGet(host: string, port: number, path: string, ca: string, client?: { cert: string; key: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, ca, servername: 'n1', timeout: 10_000, ...(client ?? {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.end();
  });
}

test('k8ts agent serves port 10250, rotates container logs and collects dead containers and their logs', { skip, timeout: 240_000 }, async (t) => {
  const port = await freePort();
  const testNode = createTestNode({
    name: 'kubelet-server', bridgeTag: 'k', kubeletPort: port,
    agentArgs: (server) => ['--container-logs-dir', containerLogsDir, '--client-ca-file', join(server.dataDir, 'tls', 'server-ca.crt'),
      '--container-log-max-size', '4Ki', '--container-log-max-files', String(LOG_MAX_FILES), '--container-log-monitor-interval', '1s',
      '--container-gc-period', '2s'],
  });
  const { dir, ids, paths, podLogsDir } = testNode;
  const containerLogsDir = join(dir, 'containers');
  try {
    await testNode.start();
    const tls = join(testNode.server.dataDir, 'tls');
    const client = { cert: readFileSync(join(tls, 'client-admin.crt'), 'utf8'), key: readFileSync(join(tls, 'client-admin.key'), 'utf8') };
    const kubectl = testNode.kubectl;
    const getPod = (name: string): Pod | undefined => testNode.getPod(name);

    let nodeIP = '';
    let servingCa = '';
    await t.test('the node reports the kubelet port; /healthz answers anyone over HTTPS on the node IP', async () => {
      await testNode.waitReady();
      const node = JSON.parse(kubectl.ok(['get', 'node', 'n1', '-o', 'json'])) as Node;
      assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, port);
      nodeIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
      assert.ok(nodeIP, 'InternalIP');
      // The serving certificate was signed by the cluster CA (asked of the server), for the node name and IP.
      servingCa = readFileSync(join(tls, 'server-ca.crt'), 'utf8');
      assert.ok(new X509Certificate(readFileSync(paths.kubeletServingCert, 'utf8')).checkIssued(new X509Certificate(servingCa)));
      assert.deepEqual(await httpsGet(nodeIP, port, '/healthz', servingCa), { status: 200, body: 'ok' });
      assert.equal((await httpsGet(nodeIP, port, '/pods', servingCa)).status, 401, 'anonymous /pods');
    });

    await t.test('a quickly writing container: /pods, /metrics and /stats/summary show it; its log rotates', async () => {
      kubectl.ok(['run', 'chatty', `--image=${BUSYBOX}`, '--restart=Always', '--', 'sh', '-c',
        'trap "exit 0" TERM; while true; do i=0; while [ $i -lt 60 ]; do echo "line $i of a chatty container, padded to about eighty bytes"; i=$((i+1)); done; sleep 1; done']);
      const pod = await eventually(() => { const p = getPod('chatty'); return p?.status?.phase === 'Running' ? p : undefined; }, 60_000, `pod chatty Running; agent log:\n${testNode.logs()}`);
      const uid = pod!.metadata!.uid!;
      ids.add(pod!.status!.containerStatuses![0]!.containerID!.slice('containerd://'.length));

      const pods = await httpsGet(nodeIP, port, '/pods', servingCa, client);
      assert.equal(pods.status, 200);
      assert.ok((JSON.parse(pods.body) as { items: Pod[] }).items.some((p) => p.metadata?.uid === uid), '/pods lists chatty');

      const metrics = (await httpsGet(nodeIP, port, '/metrics', servingCa, client)).body;
      assert.match(metrics, /^kubelet_running_pods 1$/m);
      assert.match(metrics, /^kubelet_running_containers\{container_state="running"\} 1$/m);
      assert.match(metrics, /^kubelet_node_name\{node="n1"\} 1$/m);

      const stats = await eventually(async () => {
        const s = JSON.parse((await httpsGet(nodeIP, port, '/stats/summary', servingCa, client)).body) as Summary;
        const p = s.pods.find((x) => x.podRef.uid === uid);
        return (p?.memory?.workingSetBytes ?? 0) > 0 && (p?.containers[0]?.memory?.workingSetBytes ?? 0) > 0 ? s : undefined;
      }, 20_000, 'summary with the pod\'s memory');
      assert.equal(stats!.node.nodeName, 'n1');
      assert.ok((stats!.node.memory?.workingSetBytes ?? 0) > 0);
      const p = stats!.pods.find((x) => x.podRef.uid === uid)!;
      assert.deepEqual(p.podRef, { name: 'chatty', namespace: 'default', uid });
      assert.equal(p.containers[0]?.name, 'chatty');
      assert.ok((p.containers[0]?.logs?.usedBytes ?? 0) > 0, 'log usage');
      t.diagnostic(`pod working set ${p.memory?.workingSetBytes} bytes, cpu ${p.cpu?.usageCoreNanoSeconds} ns`);
      const resource = (await httpsGet(nodeIP, port, '/metrics/resource', servingCa, client)).body;
      assert.match(resource, /^container_memory_working_set_bytes\{container="chatty",namespace="default",pod="chatty"\} [1-9]\d* \d{13}$/m);

      const logDir = join(podLogsDir, `default_chatty_${uid}`, 'chatty');
      const files = await eventually(() => {
        const f = readdirSync(logDir);
        return f.filter((n) => n.endsWith('.gz')).length >= 1 ? f : undefined;
      }, 30_000, `rotated and compressed logs in ${logDir}; agent log:\n${testNode.logs()}`);
      t.diagnostic(`log files: ${files!.join(' ')}`);
      assert.ok(files!.includes('0.log'), 'the live log is reopened');
      await new Promise((r) => setTimeout(r, 4000));
      const later = readdirSync(logDir);
      assert.ok(later.length <= LOG_MAX_FILES, `at most ${LOG_MAX_FILES} files: ${later.join(' ')}`);
      assert.ok(later.every((n) => /^0\.log(\.\d{8}-\d{6}(\.gz)?)?$/.test(n)), later.join(' '));

      const cid = pod!.status!.containerStatuses![0]!.containerID!.slice('containerd://'.length);
      const link = join(containerLogsDir, `chatty_default_chatty-${cid}.log`);
      assert.equal(readlinkSync(link), join(logDir, '0.log'));
      // The live file is empty right after each rotation: ask until a burst has landed in it.
      const tail = await eventually(async () => {
        const r = await httpsGet(nodeIP, port, '/containerLogs/default/chatty/chatty?tailLines=2', servingCa, client);
        return r.status !== 200 || r.body !== '' ? r : undefined;
      }, 10_000, 'a non-empty tail of chatty');
      assert.equal(tail!.status, 200);
      assert.match(tail!.body, /^line \d+ of a chatty container, padded to about eighty bytes\nline \d+ of a chatty container, padded to about eighty bytes\n$/);
    });

    await t.test('a crashing container\'s older dead instance and its log are garbage collected', async () => {
      kubectl.ok(['run', 'crash', `--image=${BUSYBOX}`, '--restart=Always', '--', 'sh', '-c', 'echo dying; exit 1']);
      const pod = await eventually(() => { const p = getPod('crash'); return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined; }, 60_000, 'crash restarted once');
      const uid = pod!.metadata!.uid!;
      const cri = connectCri(paths.containerdSocket);
      try {
        // Two instances were created; once the second has exited too, GC keeps only the newest dead one.
        const left = await eventually(async () => {
          const cs = await cri.runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } });
          return cs.length === 1 && cs[0]!.metadata?.attempt === 1 ? cs : undefined;
        }, 30_000, `only the newest dead instance of crash left; agent log:\n${testNode.logs()}`);
        assert.equal(left![0]!.state, 'CONTAINER_EXITED');
      } finally {
        cri.close();
      }
      const logDir = join(podLogsDir, `default_crash_${uid}`, 'crash');
      assert.ok(!existsSync(join(logDir, '0.log')), 'the removed instance\'s log is gone');
      assert.ok(existsSync(join(logDir, '1.log')), 'the kept instance\'s log stays');
      await eventually(() => testNode.logs().includes('garbage collected dead containers'), 5000, 'the GC\'s log line');
      // The newest instance may have just been created and not written yet.
      await eventually(async () => (await httpsGet(nodeIP, port, '/containerLogs/default/crash/crash', servingCa, client)).body === 'dying\n', 20_000, '/containerLogs of crash');
      kubectl.ok(['delete', 'pod', 'crash', '--wait=true', '--timeout=30s']);
      await eventually(() => !existsSync(join(podLogsDir, `default_crash_${uid}`)), 15_000, 'the deleted pod\'s log directory removed');
    });

    await t.test('SIGTERM stops the agent', async () => {
      kubectl.ok(['delete', 'pod', 'chatty', '--wait=true', '--timeout=30s']);
      assert.equal(await testNode.stopAgent(), 0, testNode.logs());
      await eventually(() => leftoverProcesses(dir, ids).length === 0, 10_000, 'no process left');
    });
  } finally {
    await testNode.cleanup();
  }
});
