/**
 * A stand-in for the scheduler and kubelets in controller tests: registers
 * Ready nodes, binds unscheduled pods round-robin (only with `bind`), moves
 * bound pods to Running and Ready with an IP, finishes pods whose
 * restartPolicy is Never or OnFailure after `finishAfterMs` (Failed with exit
 * code 1 when annotated `sim.k8ts.io/fail: "true"`, else Succeeded), and
 * confirms deletions at once. Tests that check the scheduler or simulated
 * nodes themselves use the real ones; this keeps controller tests to the
 * controller.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Informer, RESOURCES, RestClient } from '../../src/client/index.js';

export interface FakeCluster {
  nodes: string[];
  client: RestClient;
  stop(): Promise<void>;
}

export interface FakeClusterOptions {
  kubeconfig: string;
  /** Node names, or a count (`node-0` ...). @default 3 */
  nodes?: string[] | number;
  /** Bind pods that have no nodeName (a one-line scheduler). @default true */
  bind?: boolean;
  /** @default 300 */
  finishAfterMs?: number;
  /** Labels for every node. */
  nodeLabels?: Record<string, string>;
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function startFakeCluster(opts: FakeClusterOptions): Promise<FakeCluster> {
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
    nodes, client,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await informer.stop();
      client.close();
    },
  };
}
