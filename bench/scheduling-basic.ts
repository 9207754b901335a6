/**
 * The scheduler in upstream's SchedulingBasic shape (scheduler_perf
 * "5000Nodes_10000Pods"): a bare API server (`--disable-controllers`), 5000
 * nodes created through the API, 1000 pods placed first, then 10000 pods
 * created by 32 concurrent clients while the scheduler (in this process)
 * binds them. Prints pods/s over the measured pods (first create to last
 * bind, seen by a watch) and the scheduler's own attempt figures. Target:
 * >= 1000 pods/s. Prints figures; never passes or fails.
 *
 *   node dist/bench/scheduling-basic.js [--nodes 5000] [--init-pods 1000] [--pods 10000] [--clients 32] [--in-memory-only]
 */
import { parseArgs } from 'node:util';
import { register } from 'prom-client';
import { createLogger } from '../src/api/log.js';
import { RESOURCES, RestClient } from '../src/client/index.js';
import { startScheduler } from '../src/scheduler/index.js';
import { startServer } from '../test/harness/server.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ObjectStore, type ApiObject } from '../src/client/index.js';
import { SchedulerCache } from '../src/scheduler/cache.js';
import { Framework } from '../src/scheduler/framework/framework.js';
import { CycleState, type Listers } from '../src/scheduler/framework/interface.js';
import { newPodInfo } from '../src/scheduler/framework/pod-info.js';
import { Scheduler, type SchedulerDeps } from '../src/scheduler/schedule-one.js';

const { values } = parseArgs({ strict: false, options: {
  nodes: { type: 'string' }, 'init-pods': { type: 'string' }, pods: { type: 'string' }, clients: { type: 'string' },
} });
const NODES = Number(values['nodes'] ?? 5000);
const INIT = Number(values['init-pods'] ?? 1000);
const PODS = Number(values['pods'] ?? 10000);
const CLIENTS = Number(values['clients'] ?? 32);

async function pool(n: number, clients: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < n) { const i = next++; await fn(i); }
  }));
}

const podBody = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] },
});

/** The scheduling cycle alone (no API): SchedulingBasic's nodes and pods against the cache, assuming each pod. */
function inMemory(): number {
  const cache = new SchedulerCache();
  const alloc = { cpu: '4', memory: '32Gi', pods: '110' };
  for (let i = 0; i < NODES; i++) {
    const name = `node-${i}`;
    cache.addOrUpdateNode({ metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
      status: { allocatable: alloc, capacity: alloc } });
  }
  const listers = Object.fromEntries(['pods', 'namespaces', 'persistentVolumeClaims', 'persistentVolumes', 'storageClasses', 'priorityClasses',
    'podDisruptionBudgets', 'services', 'replicaSets', 'statefulSets', 'replicationControllers'].map((k) => [k, new ObjectStore<ApiObject>()])) as unknown as Listers;
  const fwk = new Framework({}, { snapshot: cache, listers, nominator: { nominatedPodsForNode: () => [] }, schedulerName: 'default-scheduler' });
  const sched = new Scheduler({ cache, percentageOfNodesToScore: 0 } as unknown as SchedulerDeps);
  const t = performance.now();
  for (let i = 0; i < INIT + PODS; i++) {
    const info = newPodInfo(podBody(`p-${i}`) as Pod);
    const r = sched.schedulePod(fwk, new CycleState(), info);
    cache.assumePod({ ...info, pod: { ...info.pod, spec: { ...info.pod.spec!, nodeName: r.host } } }, r.host);
  }
  return (INIT + PODS) / ((performance.now() - t) / 1000);
}

async function main(): Promise<void> {
  const cycleRate = inMemory();
  console.log(`scheduling cycle alone (no API): ${Math.round(cycleRate)} pods/s over ${NODES} nodes`);
  if (process.argv.includes('--in-memory-only')) return;
  const server = await startServer({ args: ['--disable-controllers'], datastore: 'memory', timeoutMs: 60_000 });
  const client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'bench', maxSockets: CLIENTS });
  const schedClient = RestClient.fromKubeconfig(server.kubeconfig, { component: 'kube-scheduler' });
  const informerClient = RestClient.fromKubeconfig(server.kubeconfig, { component: 'kube-scheduler', maxSockets: 64 });
  try {
    let t = Date.now();
    const alloc = { cpu: '4', memory: '32Gi', pods: '110' };
    await pool(NODES, CLIENTS, async (i) => {
      const name = `node-${i}`;
      await client.create(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } } });
      await client.patch(RESOURCES.nodes, name, { status: { capacity: alloc, allocatable: alloc, conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    });
    console.log(`${NODES} nodes created in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const sched = startScheduler({ client: schedClient, informerClient, logger: createLogger('kube-scheduler', { level: 'warn' }), leaderElect: false });
    await sched.synced;
    const bound = async (n: number): Promise<number> => {
      for (;;) {
        if (sched.cache.podCount() >= n && !(await countUnbound())) return Date.now();
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    let unboundCheck = 0;
    const countUnbound = async (): Promise<boolean> => {
      if (Date.now() - unboundCheck < 500) return true;
      unboundCheck = Date.now();
      const l = await client.list(RESOURCES.pods, { namespace: 'default', fieldSelector: 'spec.nodeName=', limit: 1 });
      return l.items.length > 0;
    };
    t = Date.now();
    await pool(INIT, CLIENTS, (i) => client.create(RESOURCES.pods, podBody(`init-${i}`)));
    await bound(INIT);
    console.log(`${INIT} initial pods scheduled in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const start = Date.now();
    let createdAt = 0;
    await pool(PODS, CLIENTS, (i) => client.create(RESOURCES.pods, podBody(`pod-${i}`))).then(() => { createdAt = Date.now(); });
    const end = await bound(INIT + PODS);
    const secs = (end - start) / 1000;
    const rate = PODS / secs;
    console.log(`${PODS} pods created in ${((createdAt - start) / 1000).toFixed(1)} s (${Math.round(PODS / ((createdAt - start) / 1000))}/s), all bound after ${secs.toFixed(1)} s`);
    const attempts = await register.getSingleMetricAsString('scheduler_schedule_attempts_total');
    console.log(attempts.split('\n').filter((l) => !l.startsWith('#')).join('\n'));
    console.log(`\nscheduling-basic  ${Math.round(rate)} pods/s  target >= 1000  ${rate >= 1000 ? 'ok' : 'MISS'}`);
    await sched.stop();
  } finally {
    client.close(); schedClient.close(); informerClient.close();
    await server.stop();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
