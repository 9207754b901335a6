/**
 * The stand-in cluster of fake-cluster.ts, run in a worker thread so that it
 * keeps going while the test's thread blocks (spawnSync of kubectl). Registers
 * Ready nodes, binds unscheduled pods round-robin (only with `bind`), moves
 * bound pods to Running and Ready with an IP, finishes pods whose
 * restartPolicy is Never or OnFailure after `finishAfterMs` (Failed with exit
 * code 1 when annotated `sim.k8ts.io/fail: "true"`, else Succeeded), and
 * confirms deletions at once. Tests that check the scheduler or simulated
 * nodes themselves use the real ones; this keeps controller tests to the
 * controller.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Informer, RESOURCES, RestClient } from '../../src/client/index.js';
import { microTime } from '../../src/client/leader-election.js';

export interface FakeClusterOptions {
  kubeconfig: string;
  /** Node names, or a count (`node-0` ...). @default 3 */
  nodes?: string[] | number;
  /** Bind pods that have no nodeName (a one-line scheduler). @default true */
  bind?: boolean;
  /** @default 300 */
  finishAfterMs?: number;
  /** Renew the nodes' Leases (tests of node failure renew them themselves). @default true */
  renewLeases?: boolean;
  /** Labels for every node. */
  nodeLabels?: Record<string, string>;
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every node's Lease in kube-node-lease is renewed this often (the node lifecycle controller's grace is 40 s). */
const LEASE_RENEW_MS = 5000;

async function run(opts: FakeClusterOptions): Promise<{ nodes: string[]; stop(): Promise<void> }> {
  const client = RestClient.fromKubeconfig(opts.kubeconfig, { component: 'fake-cluster', maxSockets: 32 });
  const nodes = typeof opts.nodes === 'number' || opts.nodes === undefined
    ? Array.from({ length: (opts.nodes as number | undefined) ?? 3 }, (_, i) => `node-${i}`) : opts.nodes;
  for (const name of nodes) {
    const node: Node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...opts.nodeLabels } },
      spec: {},
    };
    await client.create(RESOURCES.nodes, node).catch((e: { code?: number }) => { if (e.code !== 409) throw e; });
    await client.patch(RESOURCES.nodes, name, {
      status: {
        capacity: { cpu: '8', memory: '32Gi', pods: '110' }, allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'fake', lastHeartbeatTime: now(), lastTransitionTime: now() }],
      },
    }, { subresource: 'status' });
  }
  const renew = async (): Promise<void> => {
    await Promise.all(nodes.map(async (name) => {
      const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) };
      try {
        const lease = await client.get(RESOURCES.leases, name, { namespace: 'kube-node-lease' });
        await client.update(RESOURCES.leases, { ...lease, spec: { ...(lease as { spec?: object }).spec, ...spec } });
      } catch (e) {
        if ((e as { code?: number }).code !== 404) return;
        await client.create(RESOURCES.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec } as never)
          .catch(() => undefined);
      }
    }));
  };
  const renewing = opts.renewLeases !== false;
  if (renewing) await renew();
  const renewer = setInterval(() => { if (renewing) void renew(); }, LEASE_RENEW_MS);
  const informer = new Informer<Pod>(client, RESOURCES.pods);
  const timers = new Set<NodeJS.Timeout>();
  const acted = new Set<string>();
  let next = 0;
  let ip = 2;
  let stopped = false;
  const quiet = (p: Promise<unknown>): void => { p.catch(() => undefined); };

  const handle = (pod: Pod): void => {
    if (stopped) return;
    const ns = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    const uid = pod.metadata!.uid!;
    // Each stage acts once per pod; a failed write lets the next event try again.
    const once = (stage: string, act: () => Promise<unknown>): void => {
      const key = `${uid}/${stage}`;
      if (acted.has(key)) return;
      acted.add(key);
      quiet(act().catch((e: unknown) => { acted.delete(key); throw e; }));
    };
    if (pod.metadata!.deletionTimestamp) {
      once('delete', () => client.delete(RESOURCES.pods, name, { namespace: ns, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid! } }));
      return;
    }
    if (!pod.spec!.nodeName) {
      if (opts.bind === false || (pod.spec!.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
      const node = nodes[next++ % nodes.length]!;
      once('bind', () => client.request('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, {
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
      }));
      return;
    }
    if (!nodes.includes(pod.spec!.nodeName)) return;
    const phase = pod.status?.phase ?? 'Pending';
    if (phase === 'Pending') {
      const t = now();
      once('run', () => client.patch(RESOURCES.pods, name, {
        status: {
          phase: 'Running', podIP: `10.42.${Math.floor(ip / 250)}.${(ip++ % 250) + 2}`, startTime: t, hostIP: '10.0.0.1',
          conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: t })),
          containerStatuses: pod.spec!.containers.map((c) => ({
            name: c.name, image: c.image ?? '', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: t } },
          })),
        },
      }, { namespace: ns, subresource: 'status' }));
      return;
    }
    if (phase === 'Running' && (pod.spec!.restartPolicy === 'Never' || pod.spec!.restartPolicy === 'OnFailure')) {
      if (acted.has(`${uid}/finish`)) return;
      acted.add(`${uid}/finish`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        const fail = pod.metadata!.annotations?.['sim.k8ts.io/fail'] === 'true';
        const t = now();
        quiet(client.patch(RESOURCES.pods, name, {
          status: {
            phase: fail ? 'Failed' : 'Succeeded',
            conditions: ['Ready', 'ContainersReady'].map((type) => ({ type, status: 'False', reason: 'PodCompleted', lastTransitionTime: t })),
            containerStatuses: pod.spec!.containers.map((c) => ({
              name: c.name, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false,
              state: { terminated: { exitCode: fail ? 1 : 0, reason: fail ? 'Error' : 'Completed', startedAt: t, finishedAt: t } },
            })),
          },
        }, { namespace: ns, subresource: 'status' }));
      }, opts.finishAfterMs ?? 300);
      timers.add(timer);
    }
  };
  informer.addEventHandler({ onAdd: handle, onUpdate: (_o, p) => handle(p) });
  informer.start();
  await informer.waitForSync();
  return {
    nodes,
    async stop() {
      stopped = true;
      clearInterval(renewer);
      for (const t of timers) clearTimeout(t);
      await informer.stop();
      client.close();
    },
  };
}

const port = parentPort!;
run(workerData as FakeClusterOptions).then((cluster) => {
  port.postMessage({ type: 'ready', nodes: cluster.nodes });
  port.once('message', () => {
    void cluster.stop().finally(() => port.close());
  });
}, (e: unknown) => {
  port.postMessage({ type: 'failed', error: e instanceof Error ? e.stack ?? e.message : String(e) });
  port.close();
});
