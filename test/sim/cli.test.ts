/**
 * The simulator from the command line, checked with real kubectl:
 * `k8ts server --simulated-nodes 3`, stopping a node with `kubectl annotate`,
 * and a standalone `k8ts sim` joining a running server, then killed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { REPO_ROOT, findKubectl, kubectlMinor } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

function anyKubectl(): { path?: string; reason?: string } {
  let minor: number | undefined;
  try { minor = kubectlMinor(execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim()); } catch { /* none on PATH */ }
  return findKubectl(minor ?? 35);
}

const bin = anyKubectl();

describe('k8ts server --simulated-nodes', { skip: bin.path ? false : `no kubectl: ${bin.reason}` }, () => {
  let server: RunningServer;
  let k: Kubectl;

  before(async () => {
    server = await startServer({ datastore: 'memory', args: ['--disable-controllers', '--simulated-nodes', '3', '--sim-heartbeat-interval', '1s'] });
    k = new Kubectl(bin.path!, server.kubeconfig);
  });
  after(async () => { await server?.stop(); });

  const renewTime = (node: string): string =>
    k.ok(['get', 'lease', '-n', 'kube-node-lease', node, '-o', 'jsonpath={.spec.renewTime}']).trim();

  test('kubectl get nodes shows 3 Ready simulated nodes', async () => {
    const out = await eventually(() => {
      const o = k.ok(['get', 'nodes', '--no-headers']);
      const lines = o.trim().split('\n').filter(Boolean);
      return lines.length === 3 && lines.every((l) => /\sReady\s/.test(l)) ? o : undefined;
    }, 15_000, '3 Ready nodes');
    for (const i of [0, 1, 2]) assert.match(out!, new RegExp(`^sim-node-${i}\\s+Ready`, 'm'));
    await eventually(() => server.logs().includes('simulated nodes registered'), 10_000, 'the registration log line');
    const leases = k.ok(['get', 'leases', '-n', 'kube-node-lease', '--no-headers']);
    assert.equal(leases.trim().split('\n').length, 3);
  });

  test('kubectl annotate sim.k8ts.io/stopped=true stops the Lease renewals; removing it resumes them', async () => {
    await eventually(() => renewTime('sim-node-1') !== '', 10_000, 'lease');
    k.ok(['annotate', 'node', 'sim-node-1', 'sim.k8ts.io/stopped=true']);
    await new Promise((r) => setTimeout(r, 2000));
    const frozen = renewTime('sim-node-1');
    const other = renewTime('sim-node-0');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(renewTime('sim-node-1'), frozen, 'stopped node renewed its Lease');
    assert.notEqual(renewTime('sim-node-0'), other, 'a running node stopped renewing');
    k.ok(['annotate', 'node', 'sim-node-1', 'sim.k8ts.io/stopped-']);
    await eventually(() => renewTime('sim-node-1') !== frozen, 10_000, 'renewals resume');
  });
});

describe('k8ts sim (standalone)', { skip: bin.path ? false : `no kubectl: ${bin.reason}` }, () => {
  let server: RunningServer;
  let k: Kubectl;
  before(async () => {
    server = await startServer({ datastore: 'memory', args: ['--disable-controllers'] });
    k = new Kubectl(bin.path!, server.kubeconfig);
  });
  after(async () => { await server?.stop(); });

  test('joins a server with a kubeconfig; killing it stops the heartbeats', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'sim', '--kubeconfig', server.kubeconfig,
      '--server', `https://127.0.0.1:${server.port}`, '--nodes', '2', '--name-prefix', 'edge-', '--heartbeat-interval', '1s',
      '--capacity', 'cpu=4,memory=8Gi'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let logs = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { logs += d; });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await eventually(() => logs.includes('simulated nodes registered'), 15_000, `registration log line; logs so far:\n${logs}`);
      const out = k.ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.capacity.cpu} {.status.capacity.memory}{"\\n"}{end}']);
      assert.equal(out.trim(), 'edge-0 4 8Gi\nedge-1 4 8Gi');
      const rt = () => k.ok(['get', 'lease', '-n', 'kube-node-lease', 'edge-0', '-o', 'jsonpath={.spec.renewTime}']).trim();
      const first = rt();
      await eventually(() => rt() !== first, 10_000, 'a renewal');
      child.kill('SIGKILL');
      await exited;
      const frozen = rt();
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(rt(), frozen, 'no renewal after the process died');
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});
