/**
 * A stand-in for the scheduler and kubelets in controller tests: registers
 * Ready nodes and renews their Leases, binds unscheduled pods round-robin
 * (only with `bind`), moves bound pods to Running and Ready with an IP,
 * finishes pods whose restartPolicy is Never or OnFailure after
 * `finishAfterMs` (Failed with exit code 1 when annotated
 * `sim.k8ts.io/fail: "true"`, else Succeeded), and confirms deletions at
 * once. It runs in a worker thread (fake-cluster-worker.ts), so it keeps
 * working while the test blocks in a synchronous kubectl call. Tests of the
 * scheduler or simulated nodes use the real ones; this keeps controller tests
 * to the controller.
 */
import { Worker } from 'node:worker_threads';
import { RestClient } from '../../src/client/index.js';
import type { FakeClusterOptions } from './fake-cluster-worker.js';

export type { FakeClusterOptions } from './fake-cluster-worker.js';

export interface FakeCluster {
  nodes: string[];
  /** A client of the test's own thread, for the test's API calls. */
  client: RestClient;
  stop(): Promise<void>;
}

export async function startFakeCluster(opts: FakeClusterOptions): Promise<FakeCluster> {
  const worker = new Worker(new URL('./fake-cluster-worker.js', import.meta.url), { workerData: opts });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const nodes = await new Promise<string[]>((resolve, reject) => {
    worker.once('message', (m: { type: 'ready'; nodes: string[] } | { type: 'failed'; error: string }) => {
      if (m.type === 'ready') resolve(m.nodes); else reject(new Error(`fake cluster failed to start: ${m.error}`));
    });
    worker.once('error', reject);
    void exited.then(() => reject(new Error('fake cluster thread exited before it started')));
  });
  const client = RestClient.fromKubeconfig(opts.kubeconfig, { component: 'fake-cluster-test' });
  return {
    nodes, client,
    async stop() {
      client.close();
      worker.postMessage('stop');
      const t = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
