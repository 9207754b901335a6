/**
 * The node status manager beside the controllers of a real `k8ts server`
 * (node lifecycle among them): the node stays Ready and untainted,
 * and kubelet and controllers do not take turns rewriting its status.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../../src/api/log.js';
import { RESOURCES, RestClient } from '../../../src/client/index.js';
import { nodeStatusManagerFromFlags, type NodeStatusManager } from '../../../src/kubelet/node-status/index.js';
import { startServer, type RunningServer } from '../../harness/server.js';
import { FakeStatusCri } from './fake-cri.js';

const NODE = 'k8ts-node-with-controllers';
const TICK_MS = 300;

describe('node status manager with controllers', { skip: process.platform !== 'linux' ? 'reads /proc' : false }, () => {
  let server: RunningServer;
  let client: RestClient;
  let rootDir: string;
  let manager: NodeStatusManager;

  before(async () => {
    rootDir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-root-'));
    server = await startServer({ datastore: 'memory' });
    client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'node-status-test' });
    const cri = new FakeStatusCri();
    manager = nodeStatusManagerFromFlags({ rootDir, nodeName: NODE, nodeIP: '10.11.12.14' }, {
      client, logger: createLogger('node-status-test', { level: 'warn' }), runtime: cri, images: cri,
      statusUpdateFrequencyMs: TICK_MS, statusReportFrequencyMs: 60_000, leaseRenewIntervalMs: TICK_MS,
    });
    manager.start();
    await manager.registered;
  });

  after(async () => {
    await manager?.stop();
    await server?.stop();
    rmSync(rootDir, { recursive: true, force: true });
  });

  test('stays Ready and untainted; status written only at registration', async () => {
    await new Promise((r) => setTimeout(r, 3000));
    const n = await client.get<Node>(RESOURCES.nodes, NODE);
    assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(n.spec?.taints ?? [], [], 'no not-ready or unreachable taints');
    assert.equal(manager.statusWriteCount(), 0, 'the status registered is still current');
    const rv = n.metadata?.resourceVersion;
    await new Promise((r) => setTimeout(r, TICK_MS * 5));
    assert.equal((await client.get<Node>(RESOURCES.nodes, NODE)).metadata?.resourceVersion, rv, 'nobody rewrites a quiet node');
  });
});
