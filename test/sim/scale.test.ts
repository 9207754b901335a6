/**
 * Scale: 5000 simulated nodes (K8TS_SIM_SCALE_NODES overrides) register with
 * one k8ts server and stay Ready: every node Ready and every Lease renewed
 * at least once after registration. Prints the registration time and the
 * server's RSS (figures, not pass/fail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { isNodeReady } from '../../src/api/pods/index.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { startSimulatedNodes, type SimulatedNodes } from '../../src/sim/index.js';
import { startServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

const COUNT = Number(process.env['K8TS_SIM_SCALE_NODES'] ?? 5000);
const HEARTBEAT_MS = 10_000;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function listAll<T>(client: RestClient, res: typeof RESOURCES.nodes, namespace?: string): Promise<T[]> {
  const items: T[] = [];
  let cont: string | undefined;
  do {
    const page = await client.list<T & { metadata?: object }>(res, { namespace, limit: 1000, continue: cont });
    items.push(...page.items);
    cont = page.metadata.continue;
  } while (cont);
  return items;
}

test(`${COUNT} simulated nodes register and stay Ready`, { timeout: 600_000 }, async () => {
  assert.ok(Number.isInteger(COUNT) && COUNT > 0, `K8TS_SIM_SCALE_NODES=${process.env['K8TS_SIM_SCALE_NODES']}`);
  const server = await startServer({ datastore: (process.env['K8TS_SIM_SCALE_DATASTORE'] as 'memory' | undefined) ?? 'sqlite', args: ['--disable-controllers', '--sqlite-synchronous', 'normal'] });
  const client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'sim-scale', maxSockets: 64 });
  const informerClient = RestClient.fromKubeconfig(server.kubeconfig, { component: 'sim-scale', maxSockets: 4 });
  let sim: SimulatedNodes | undefined;
  try {
    const rssBefore = rssMiB(server.process.pid!);
    sim = await startSimulatedNodes({
      client, informerClient, count: COUNT, heartbeatIntervalMs: HEARTBEAT_MS, logger: createLogger('sim-scale', { level: 'warn' }),
    });
    const registered = Date.now();
    console.log(`# ${COUNT} nodes registered in ${sim.registrationMs} ms (${Math.round(COUNT / (sim.registrationMs / 1000))} nodes/s); server RSS ${rssBefore} MiB before, ${rssMiB(server.process.pid!)} MiB after`);

    const names = sim.nodes();
    const total = (): number => names.reduce((n, x) => n + sim!.leaseRenewals(x), 0);
    const writesAtRegistration = total();
    // Renewals queue behind each other when the server is slower than N/interval writes/s: allow for a slow, shared machine.
    await eventually(() => names.every((n) => sim!.leaseRenewals(n) >= 2), Math.max(90_000, 1.5 * sim.registrationMs) + 3 * HEARTBEAT_MS,
      'every Lease renewed after its creation');
    const ms = Date.now() - registered;
    console.log(`# every Lease renewed at least once ${ms} ms after registration (${Math.round((total() - writesAtRegistration) / (ms / 1000))} Lease writes/s); server RSS ${rssMiB(server.process.pid!)} MiB`);

    const nodes = await listAll<Node>(client, RESOURCES.nodes);
    const simNodes = nodes.filter((n) => n.metadata?.labels?.['sim.k8ts.io/simulated'] === 'true');
    assert.equal(simNodes.length, COUNT);
    const notReady = simNodes.filter((n) => !isNodeReady(n)).map((n) => n.metadata!.name);
    assert.deepEqual(notReady, [], 'every node Ready');
    const leases = await listAll<Lease>(client, RESOURCES.leases, 'kube-node-lease');
    assert.equal(leases.length, COUNT);
    const stale = leases.filter((l) => Date.parse(String(l.spec?.renewTime)) - Date.parse(l.metadata!.creationTimestamp!) < HEARTBEAT_MS / 2);
    assert.deepEqual(stale.map((l) => l.metadata!.name).slice(0, 10), [], 'every Lease renewed after it was created');
    console.log(`# server RSS at the end ${rssMiB(server.process.pid!)} MiB`);
  } finally {
    await sim?.stop();
    client.close();
    informerClient.close();
    await server.stop();
  }
});
