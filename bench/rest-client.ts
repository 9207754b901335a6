/**
 * The RestClient's own CPU per request: Event creates (the scheduler's
 * `Scheduled` events, ~700-byte bodies) from this process to a bare API
 * server (`--disable-controllers`, memory store) in another, `--concurrency`
 * at once over one client. Prints this process's CPU (user + system) per
 * request, which is what a component pays for each call it makes; the
 * server's CPU is not counted. Prints figures; never passes or fails.
 *
 *   node dist/bench/rest-client.js [--requests 20000] [--concurrency 64] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import type { Event } from 'kubernetes-types/core/v1.js';
import { RESOURCES, RestClient, type ApiObject } from '../src/client/index.js';
import { startServer } from '../test/harness/server.js';

const { values } = parseArgs({ strict: true, options: {
  requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' },
} });
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

let seq = 0;
function event(): Event & ApiObject {
  const name = `pod-${seq}.${(seq++).toString(16)}`;
  const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'pod', namespace: 'default', uid: '8a3c2f64-4d5e-4b8f-9a43-0f4c6e2b1d7a', resourceVersion: '12345' },
    type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/pod-123 to node-4567',
    source: { component: 'default-scheduler' }, firstTimestamp: ts, lastTimestamp: ts, count: 1,
    reportingComponent: 'default-scheduler', reportingInstance: '',
  };
}

async function round(client: RestClient, n: number): Promise<{ cpuUsPerReq: number; sysUsPerReq: number; perSec: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) { next++; await client.create(RESOURCES.events, event()); }
  }));
  const wall = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  return { cpuUsPerReq: (used.user + used.system) / n, sysUsPerReq: used.system / n, perSec: n / wall };
}

async function main(): Promise<void> {
  const server = await startServer({ args: ['--disable-controllers'], datastore: 'memory', timeoutMs: 60_000 });
  const client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'bench' });
  try {
    await round(client, 2000);
    for (let i = 0; i < ROUNDS; i++) {
      const r = await round(client, REQUESTS);
      console.log(`round ${i + 1}: ${REQUESTS} event creates, ${CONCURRENCY} at once: client CPU ${r.cpuUsPerReq.toFixed(0)} us/request (system ${r.sysUsPerReq.toFixed(0)}), ${Math.round(r.perSec)} requests/s`);
    }
  } finally {
    client.close();
    await server.stop();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
