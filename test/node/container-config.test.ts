/**
 * Container configuration end to end: `k8ts server` and `k8ts agent` with
 * real containerd and runc, driven by real kubectl. Inside a container:
 * env from a Secret (secretKeyRef and envFrom), the downward API
 * (metadata.name, status.podIP, limits.memory) and a Service's variables;
 * runAsUser; /etc/resolv.conf from the pod's DNS policy; the cgroup memory limit; a termination message in the status;
 * a memory hog OOMKilled with exit code 137; no pod cgroup left after. Needs root, the README's
 * packages and kubectl 1.35; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { connectCri, removePodCgroups } from '../../src/kubelet/index.js';
import { eventually } from '../harness/kubectl.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip();

const MI = 1 << 20;

/** The messages of a CRI log file, partial lines joined. */
function criLogText(path: string): string {
  let out = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const parts = line.split(' ');
    if (parts.length < 3) continue;
    out += parts.slice(3).join(' ') + (parts[2]!.startsWith('P') ? '' : '\n');
  }
  return out;
}

/** The memory limit of the cgroup `pid` is in: memory.max (cgroup v2) or memory.limit_in_bytes (v1), and the cgroup path. */
function memoryLimitOf(pid: number): { path: string; limit: string } {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'));
  if (v1) {
    const path = v1.split(':').slice(2).join(':');
    return { path, limit: readFileSync(`/sys/fs/cgroup/memory${path}/memory.limit_in_bytes`, 'utf8').trim() };
  }
  const path = lines.find((l) => l.startsWith('0::'))!.slice(3);
  return { path, limit: readFileSync(`/sys/fs/cgroup${path}/memory.max`, 'utf8').trim() };
}

/** The pod cgroup directories of `uids` that exist in any hierarchy. */
function podCgroupDirs(uids: Iterable<string>): string[] {
  const roots = existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : readdirSync('/sys/fs/cgroup').map((c) => `/sys/fs/cgroup/${c}`);
  const out: string[] = [];
  for (const root of roots) {
    for (const uid of uids) for (const qos of ['', 'burstable/', 'besteffort/']) if (existsSync(`${root}/kubepods/${qos}pod${uid}`)) out.push(`${root}/kubepods/${qos}pod${uid}`);
  }
  return out;
}

test('k8ts agent configures containers: env, downward API, service links, user, cgroup limits, OOMKilled, termination message', { skip, timeout: 480_000 }, async (t) => {
  const node = createTestNode({ name: 'ccfg', bridgeTag: 'c', stdout: true });
  const { ids, paths, prefix, podLogsDir: logsDir } = node;
  const uids = new Set<string>();
  try {
    await node.start();
    const kubectl = node.kubectl;
    const getPod = (name: string): Pod => JSON.parse(kubectl.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
    const apply = (pod: Pod): void => { kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', ...pod }) }); };

    await node.waitReady(120_000);
    kubectl.ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret', '--from-literal=user=admin']);
    kubectl.ok(['create', 'service', 'clusterip', 'backend', '--tcp=80:8080']);
    const backendIP = kubectl.ok(['get', 'service', 'backend', '-o', 'jsonpath={.spec.clusterIP}']);

    let pod: Pod | undefined;
    let pid = 0;
    await t.test('a pod with Secret, downward API and service env, runAsUser and a memory limit runs', async () => {
      apply({
        metadata: { name: 'cfg' },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsUser: 1234 },
          containers: [{
            name: 'app', image: BUSYBOX,
            command: ['sh', '-c', 'env; echo "uid=$(id -u)"; cat /etc/resolv.conf; echo ready; while [ ! -e /stop ]; do sleep 0.2; done; printf "all %s" done > /dev/termination-log'],
            resources: { limits: { memory: '48Mi' } },
            envFrom: [{ secretRef: { name: 'creds' }, prefix: 'SEC_' }],
            env: [
              { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
              { name: 'URL', value: 'http://$(BACKEND_SERVICE_HOST):$(BACKEND_SERVICE_PORT)' },
            ],
          }],
        },
      });
      pod = await eventually(() => { const p = getPod('cfg'); return p.status?.phase === 'Running' ? p : undefined; }, 60_000, 'pod cfg Running')
        .catch((e: Error) => { throw new Error(`${e.message}\nstatus: ${JSON.stringify(getPod('cfg').status)}\nevents: ${kubectl.ok(['get', 'events'])}`); });
      uids.add(pod!.metadata!.uid!);
      const id = pod!.status!.containerStatuses![0]!.containerID!.slice('containerd://'.length);
      ids.add(id);
      const cri = connectCri(paths.containerdSocket);
      try {
        const info = JSON.parse((await cri.runtime.containerStatus(id, true)).info['info'] ?? '{}') as { pid?: number };
        pid = info.pid ?? 0;
      } finally {
        cri.close();
      }
      assert.ok(pid > 0, 'the container\'s pid from the runtime');
    });

    await t.test('the values are right inside the container', async () => {
      const log = join(logsDir, `default_cfg_${pod!.metadata!.uid}`, 'app', '0.log');
      const text = await eventually(() => { const s = existsSync(log) ? criLogText(log) : ''; return s.includes('ready\n') ? s : undefined; }, 20_000, 'the container wrote its env');
      const env = new Map(text!.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      assert.equal(env.get('PASS'), 's3cret');
      assert.equal(env.get('SEC_password'), 's3cret');
      assert.equal(env.get('SEC_user'), 'admin');
      assert.equal(env.get('MY_NAME'), 'cfg');
      assert.equal(env.get('MY_IP'), pod!.status!.podIP);
      assert.ok(env.get('MY_IP')?.startsWith(`${prefix}.`));
      assert.equal(env.get('MEM'), String(48 * MI));
      assert.equal(env.get('BACKEND_SERVICE_HOST'), backendIP);
      assert.equal(env.get('BACKEND_PORT_80_TCP'), `tcp://${backendIP}:80`);
      assert.equal(env.get('URL'), `http://${backendIP}:80`);
      assert.ok(env.get('KUBERNETES_SERVICE_HOST'), 'the kubernetes service from default');
      assert.equal(env.get('uid'), '1234', 'runAsUser shows in id -u');
      // ClusterFirst with the agent's defaults (--cluster-dns 10.43.0.10, --cluster-domain cluster.local), written by containerd from the sandbox's DNSConfig.
      assert.match(text!, /^nameserver 10\.43\.0\.10$/m);
      assert.doesNotMatch(text!, /^nameserver (?!10\.43\.0\.10$)/m, 'the host\'s nameservers are dropped');
      assert.match(text!, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local( |$)/m);
      assert.match(text!, /^options ndots:5$/m);
    });

    await t.test('the container\'s cgroup sits under the pod\'s Burstable cgroup with memory limited to the limit', () => {
      const { path, limit } = memoryLimitOf(pid);
      assert.ok(path.includes(`/kubepods/burstable/pod${pod!.metadata!.uid}/`), path);
      assert.equal(limit, String(48 * MI));
      const expected = Math.min(999, Math.max(3, 1000 - Math.floor((1000 * 48 * MI) / totalmem())));
      assert.equal(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim(), String(expected), 'the Burstable OOM score');
    });

    await t.test('a termination message written to /dev/termination-log appears in the status', async () => {
      writeFileSync(`/proc/${pid}/root/stop`, '');
      const done = await eventually(() => { const p = getPod('cfg'); return p.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined; }, 30_000, 'pod cfg terminated');
      const term = done!.status!.containerStatuses![0]!.state!.terminated!;
      assert.equal(term.exitCode, 0);
      assert.equal(term.message, 'all done');
      assert.equal(done!.status?.phase, 'Succeeded');
    });

    await t.test('a memory hog over its 32Mi limit is OOMKilled with exit code 137', async () => {
      apply({
        metadata: { name: 'hog' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'hog', image: BUSYBOX, command: ['sh', '-c', 'x=0123456789abcdef; while :; do x=$x$x; done'], resources: { limits: { memory: '32Mi' } } }],
        },
      });
      const hog = await eventually(() => { const p = getPod('hog'); return p.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined; }, 60_000, `pod hog terminated; agent log:\n${node.logs().slice(-3000)}`);
      uids.add(hog!.metadata!.uid!);
      ids.add(hog!.status!.containerStatuses![0]!.containerID!.slice('containerd://'.length));
      const term = hog!.status!.containerStatuses![0]!.state!.terminated!;
      assert.equal(term.reason, 'OOMKilled', JSON.stringify(term));
      assert.equal(term.exitCode, 137);
      assert.equal(hog!.status?.phase, 'Failed');
    });

    await t.test('a missing Secret key is CreateContainerConfigError with upstream\'s message', async () => {
      apply({
        metadata: { name: 'nokey' },
        spec: { containers: [{ name: 'app', image: BUSYBOX, command: ['true'], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope' } } }] }] },
      });
      const p = await eventually(() => { const x = getPod('nokey'); return x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' ? x : undefined; }, 30_000, 'pod nokey waiting');
      uids.add(p!.metadata!.uid!);
      assert.equal(p!.status!.containerStatuses![0]!.state!.waiting!.message, 'couldn\'t find key nope in Secret default/creds');
    });

    await t.test('deleted pods leave no pod cgroup behind', async () => {
      kubectl.ok(['delete', 'pod', '--all', '--wait=true', '--timeout=60s']);
      // Removed when the deletion is confirmed, or by the next housekeeping pass if a cgroup was still busy then.
      await eventually(() => podCgroupDirs(uids).length === 0, 75_000, `no pod cgroup left: ${JSON.stringify(podCgroupDirs(uids))}`);
    });
    assert.equal(await node.stopAgent(), 0, node.logs().slice(-3000));
  } finally {
    await node.cleanup();
    for (const uid of uids) await removePodCgroups(uid);
  }
});
