/**
 * A fresh `k8ts server` and one `k8ts agent` process (its own containerd,
 * temp data and run dirs, a random CNI bridge, the busybox image in the
 * air-gap folder) for the node benchmarks; stop() removes it all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'kubernetes-types/core/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../src/client/index.js';
import { buildBusyboxImage, missingNodeRequirements, nodePaths, type NodePaths } from '../src/kubelet/index.js';
import { REPO_ROOT } from '../test/harness/clients.js';
import { startServer, type RunningServer } from '../test/harness/server.js';
import { removeLeftovers } from '../test/node/leftovers.js';
import { freeSubnetPrefix } from '../test/node/pod-network.js';

export const BENCH_IMAGE = 'docker.io/k8ts-test/busybox:1';
export const NODE_NAME = 'bench-n1';

export interface BenchNode {
  server: RunningServer;
  agent: ChildProcess;
  paths: NodePaths;
  client: RestClient;
  /** The agent's stderr so far (for error messages). */
  logs(): string;
  /** Stops agent and server, kills leftovers, removes the temp dirs. Idempotent. */
  stop(): Promise<void>;
}

/** Why the node benchmarks cannot run here, or undefined. */
export function nodeBenchUnavailable(): string | undefined {
  const missing = missingNodeRequirements();
  return missing.length > 0 ? `needs ${missing.join('; ')}` : undefined;
}

/** Starts server and agent and resolves once the node is Ready. */
export async function startBenchNode(): Promise<BenchNode> {
  const dir = mkdtempSync('/tmp/k8ts-bench-node-');
  const bridge = `k8tsb${randomBytes(3).toString('hex')}`;
  const dataDir = join(dir, 'data');
  const runDir = join(dir, 'run');
  const paths = nodePaths(dataDir, { runDir });
  mkdirSync(paths.imagesDir, { recursive: true });
  writeFileSync(join(paths.imagesDir, 'busybox.tar'), buildBusyboxImage(BENCH_IMAGE).archive);
  const server = await startServer();
  let logs = '';
  const agent = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'agent', '--kubeconfig', server.kubeconfig,
    '--data-dir', dataDir, '--run-dir', runDir, '--node-name', NODE_NAME, '--pod-cidr', `${freeSubnetPrefix()}.0/24`,
    '--cni-bridge', bridge, '--pod-logs-dir', join(dir, 'pods'), '--stream-server-port', '0', '--kubelet-port', '0',
    // On the host itself: no flannel or kube-proxy, which would program the host's routes and iptables.
    '--flannel-backend', 'none', '--disable-kube-proxy'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'warn' } });
  agent.stderr!.setEncoding('utf8').on('data', (d: string) => { logs = (logs + d).slice(-20_000); });
  const exited = new Promise<void>((resolve) => agent.once('exit', () => resolve()));
  const client = new RestClient(loadKubeconfig(server.kubeconfig), { maxSockets: 64 });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client.close();
    if (agent.exitCode === null) {
      agent.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (agent.exitCode === null) agent.kill('SIGKILL');
    }
    await server.stop();
    removeLeftovers(dir, [], bridge);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (agent.exitCode !== null) throw new Error(`k8ts agent exited with ${agent.exitCode}:\n${logs}`);
      const node = await client.get<Node>(RESOURCES.nodes, NODE_NAME).catch(() => undefined);
      if (node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`node ${NODE_NAME} not Ready in 90 s:\n${logs}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { server, agent, paths, client, logs: () => logs, stop };
}

