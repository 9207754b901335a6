/**
 * The milestone of issue 12, end to end: `k8ts server` and `k8ts agent` as
 * processes, real containerd, runc and CNI; with real kubectl a Deployment's
 * pod runs in a container, goes Running and Ready with an IP of the node's
 * pod CIDR and answers HTTP there; a crashing pod backs off; a deleted pod
 * stops and disappears; nothing is left behind. Needs root, the README's
 * packages and kubectl 1.35; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { connectCri } from '../../src/kubelet/index.js';
import { eventually } from '../harness/kubectl.js';
import { leftoverMounts, leftoverProcesses } from './leftovers.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';
import { httpGet } from './pod-network.js';

const skip = nodeTestSkip();


test('k8ts agent runs a Deployment\'s pod in a real container', { skip, timeout: 300_000 }, async (t) => {
  const node = createTestNode({ name: 'agent', bridgeTag: 'a' });
  const { dir, ids, paths, prefix } = node;
  const netnsBefore = netnsList();
  try {
    await node.start();
    const kubectl = node.kubectl;
    const getPods = (selector: string): Pod[] =>
      (JSON.parse(kubectl.ok(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: Pod[] }).items;

    await t.test('node n1 registers and goes Ready with its pod CIDR', async () => {
      await node.waitReady();
      assert.equal(kubectl.ok(['get', 'node', 'n1', '-o', 'jsonpath={.spec.podCIDR}']), `${prefix}.0/24`);
    });

    let podIP = '';
    await t.test('a Deployment\'s pod runs, goes Running and Ready with an IP of the pod CIDR, and answers on it', async () => {
      const created = Date.now();
      kubectl.ok(['create', 'deployment', 'web', `--image=${BUSYBOX}`, '--', 'sh', '-c', 'trap "exit 0" TERM; mkdir -p /www && echo hello from $(hostname) > /www/index.html && httpd -f -p 8080 -h /www & wait']);
      kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=40s']);
      const pod = getPods('app=web')[0]!;
      t.diagnostic(`create -> rollout complete in ${Date.now() - created} ms`);
      assert.equal(pod?.status?.phase, 'Running');
      assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      podIP = pod.status?.podIP ?? '';
      assert.ok(podIP.startsWith(`${prefix}.`), `pod IP ${podIP} in ${prefix}.0/24`);
      assert.ok(pod.status?.hostIP, 'hostIP set');
      assert.ok(pod.status?.startTime, 'startTime set');
      const cs = pod.status?.containerStatuses?.[0];
      assert.match(cs?.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
      assert.equal(cs?.ready, true);
      assert.equal(cs?.restartCount, 0);
      ids.add(cs!.containerID!.slice('containerd://'.length));
      const events = (JSON.parse(kubectl.ok(['get', 'events', '-o', 'json'])) as { items: Array<{ reason?: string; involvedObject?: { name?: string }; source?: { component?: string; host?: string } }> }).items
        .filter((e) => e.involvedObject?.name === pod.metadata!.name && e.source?.component === 'kubelet');
      assert.deepEqual(['Pulled', 'Created', 'Started'].filter((r) => !events.some((e) => e.reason === r)), [], 'the kubelet\'s events on the pod');
      assert.equal(events[0]?.source?.host, 'n1');
      assert.equal(await httpGet(`http://${podIP}:8080/`), `hello from ${pod.metadata!.name}\n`);
    });

    await t.test('a restarted agent adopts the running container: same container, no restart, still Ready', async () => {
      const before = getPods('app=web')[0]!;
      assert.equal(await node.stopAgent(), 0, node.logs());
      assert.equal(await httpGet(`http://${podIP}:8080/`), `hello from ${before.metadata!.name}\n`, 'the pod runs on while the agent is down');
      node.startAgent();
      await eventually(() => node.logs().split('\n').filter((l) => l.includes('"controller started"') && l.includes('kubelet')).length >= 2, 30_000, 'the kubelet started again');
      await new Promise((r) => setTimeout(r, 3000));
      const after = getPods('app=web')[0]!;
      assert.equal(after.metadata?.uid, before.metadata?.uid);
      assert.equal(after.status?.containerStatuses?.[0]?.containerID, before.status?.containerStatuses?.[0]?.containerID);
      assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
      assert.equal(after.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(after.status?.podIP, podIP);
      assert.equal(await httpGet(`http://${podIP}:8080/`), `hello from ${before.metadata!.name}\n`);
    });

    await t.test('a container that exits 1 goes to CrashLoopBackOff, each restart after a longer back-off', async () => {
      kubectl.ok(['run', 'crash', `--image=${BUSYBOX}`, '--restart=Always', '--', 'sh', '-c', 'echo dying; exit 1']);
      // When restartCount first reached 1, 2, 3 (upstream: the first restart at once, then 10 s, then 20 s).
      const reached = new Map<number, number>();
      const pod = await eventually(() => {
        const [p] = getPods('run=crash');
        const n = p?.status?.containerStatuses?.[0]?.restartCount ?? 0;
        if (n > 0 && !reached.has(n)) reached.set(n, Date.now());
        return n >= 3 ? p : undefined;
      }, 60_000, 'pod crash restarted 3 times');
      const gap1 = reached.get(2)! - reached.get(1)!;
      const gap2 = reached.get(3)! - reached.get(2)!;
      t.diagnostic(`restarts 1->2 after ${gap1} ms, 2->3 after ${gap2} ms`);
      assert.ok(gap1 >= 8_000 && gap1 < 16_000, `the second restart after about 10 s, not ${gap1} ms`);
      assert.ok(gap2 >= 17_000 && gap2 < 27_000, `the third after about 20 s, not ${gap2} ms`);
      const cs = pod!.status!.containerStatuses![0]!;
      assert.equal(cs.lastState?.terminated?.exitCode, 1);
      const waiting = await eventually(() => getPods('run=crash')[0]?.status?.containerStatuses?.[0]?.state?.waiting, 10_000, 'waiting');
      assert.equal(waiting?.reason, 'CrashLoopBackOff');
      assert.match(waiting?.message ?? '', /^back-off (20|40)s restarting failed container=crash pod=crash_default\(/);
      kubectl.ok(['delete', 'pod', 'crash', '--wait=true', '--timeout=30s']);
    });

    await t.test('init containers run one after another, in order, before the app container', async () => {
      kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'inits', labels: { app: 'inits' } },
        spec: {
          terminationGracePeriodSeconds: 2,
          volumes: [{ name: 'work', emptyDir: {} }],
          initContainers: ['first', 'second', 'third'].map((n) => ({
            name: n, image: BUSYBOX, volumeMounts: [{ name: 'work', mountPath: '/work' }],
            command: ['sh', '-c', `echo ${n} >> /work/order; sleep 0.3`],
          })),
          containers: [{ name: 'main', image: BUSYBOX, volumeMounts: [{ name: 'work', mountPath: '/work' }], command: ['sh', '-c', 'echo "order: $(cat /work/order | tr "\\n" " ")"; trap "exit 0" TERM; sleep 3600 & wait'] }],
        },
      }) });
      const pod = await eventually(() => getPods('app=inits').find((p) => p.status?.phase === 'Running'), 40_000, 'pod inits Running');
      const inits = pod!.status?.initContainerStatuses ?? [];
      assert.deepEqual(inits.map((c) => [c.name, c.state?.terminated?.reason, c.state?.terminated?.exitCode]), [['first', 'Completed', 0], ['second', 'Completed', 0], ['third', 'Completed', 0]]);
      for (let i = 1; i < inits.length; i++) {
        assert.ok(Date.parse(inits[i]!.state!.terminated!.startedAt!) >= Date.parse(inits[i - 1]!.state!.terminated!.finishedAt!), `${inits[i]!.name} started after ${inits[i - 1]!.name} finished`);
      }
      assert.equal(pod!.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
      const log = join(dir, 'pods', `default_inits_${pod!.metadata!.uid!}`, 'main', '0.log');
      await eventually(() => { try { return readFileSync(log, 'utf8').includes('order: first second third '); } catch { return false; } }, 10_000, `the app container saw the init containers' order in ${log}`);
      kubectl.ok(['delete', 'pod', 'inits', '--wait=true', '--timeout=30s']);
    });

    await t.test('a hostPort answers on the node\'s address', async () => {
      const hostPort = 20000 + Math.floor(Math.random() * 10000);
      kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hp', labels: { app: 'hp' } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [{ name: 'web', image: BUSYBOX, ports: [{ containerPort: 8080, hostPort }], command: ['sh', '-c', 'trap "exit 0" TERM; mkdir -p /www && echo via hostPort > /www/index.html && httpd -f -p 8080 -h /www & wait'] }],
        },
      }) });
      const pod = await eventually(() => getPods('app=hp').find((p) => p.status?.phase === 'Running'), 40_000, 'pod hp Running');
      const hostIP = pod!.status?.hostIP ?? '';
      assert.ok(hostIP, 'hostIP');
      assert.equal(await httpGet(`http://${hostIP}:${hostPort}/`), 'via hostPort\n');
      kubectl.ok(['delete', 'pod', 'hp', '--wait=true', '--timeout=30s']);
    });

    await t.test('a restartPolicy Never pod that exits 0 is Succeeded; its env expands $(VAR)', async () => {
      kubectl.ok(['run', 'once', `--image=${BUSYBOX}`, '--restart=Never', '--env=WHO=k8ts', '--env=GREETING=hi $(WHO)', '--', 'sh', '-c', 'test "$GREETING" = "hi k8ts"']);
      const pod = await eventually(() => getPods('run=once').find((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed'), 30_000, 'pod once finished');
      assert.ok(pod);
      assert.equal(pod.status?.phase, 'Succeeded', JSON.stringify(pod.status));
      assert.equal(pod.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
      kubectl.ok(['delete', 'pod', 'once', '--wait=true', '--timeout=30s']);
    });

    await t.test('kubectl delete pod stops the container and the pod disappears', async () => {
      const [pod] = getPods('app=web');
      const name = pod?.metadata?.name ?? '';
      const deleting = Date.now();
      kubectl.ok(['scale', 'deployment', 'web', '--replicas=0']);
      await eventually(() => getPods('app=web').length === 0, 20_000, `pod ${name} gone`);
      t.diagnostic(`scale to 0 -> pod gone in ${Date.now() - deleting} ms (its shell exits on SIGTERM)`);
      const cri = connectCri(paths.containerdSocket);
      try {
        // Removed before the kubelet confirms the deletion, or by its orphan cleanup soon after.
        await eventually(async () => (await cri.runtime.listPodSandbox()).length === 0, 10_000, 'no sandbox left');
        assert.deepEqual(await cri.runtime.listContainers(), [], 'no container left');
      } finally {
        cri.close();
      }
      await assert.rejects(fetch(`http://${podIP}:8080/`, { signal: AbortSignal.timeout(1000) }));
    });

    await t.test('SIGTERM stops the agent and its containerd; nothing is left behind', async () => {
      assert.equal(await node.stopAgent(), 0, node.logs());
      await eventually(() => leftoverProcesses(dir, ids).length === 0, 10_000, 'no process left');
      assert.deepEqual(leftoverMounts(dir), []);
      // Other node tests running beside this one make their own `k8ts…` namespaces (node hosts); the pods' are containerd's cni-….
      assert.deepEqual(netnsList().filter((n) => !netnsBefore.includes(n) && !n.startsWith('k8ts')), [], 'no network namespace left');
    });
  } finally {
    await node.cleanup();
  }
});

function netnsList(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
}

