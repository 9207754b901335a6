/**
 * The node the node end-to-end tests run against: `k8ts server` and a
 * `k8ts agent` process (real containerd) in a fresh directory, with its own
 * bridge and a free pod subnet, the busybox image in its air-gap folder,
 * driven by kubectl 1.35; and its removal, down to leftover processes,
 * mounts and the bridge.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBusyboxImage, findExecutable, missingNodeRequirements, nodePaths } from '../../src/kubelet/index.js';
import { REPO_ROOT, findKubectl } from '../harness/clients.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { startServer, type RunningServer, type StartOptions } from '../harness/server.js';
import { removeLeftovers } from './leftovers.js';
import { freeSubnetPrefix } from './pod-network.js';

export const BUSYBOX = 'docker.io/k8ts-test/busybox:1';

/** What a node test needs, `extra` included, that this machine lacks; empty when nothing is missing. */
export function missingForNodeTest(extra: Array<[bin: string, pkg: string]> = []): string[] {
  const missing = missingNodeRequirements();
  for (const [bin, pkg] of [['ip', 'iproute2'], ...extra]) {
    if (!findExecutable(bin!)) missing.push(`${bin} (apt-get install ${pkg})`);
  }
  const kubectl = findKubectl(35);
  if (!kubectl.path) missing.push(kubectl.reason ?? 'kubectl 1.35');
  return missing;
}

/** The `skip` of a node test: why it cannot run here (`extra` as for missingForNodeTest), or false. */
export function nodeTestSkip(extra: Array<[bin: string, pkg: string]> = []): string | false {
  const missing = missingForNodeTest(extra);
  return missing.length > 0 ? `needs ${missing.join('; ')}` : false;
}

export interface NodeOptions {
  /** Names the directory (/tmp/k8ts-<name>-XXXXXX). */
  name: string;
  /** First letter after `k8ts` in the bridge's name, told apart from other tests' bridges. */
  bridgeTag: string;
  /** @default 'n1' */
  nodeName?: string;
  /** Flags after the common ones, or made from the running server (its TLS files, say). */
  agentArgs?: string[] | ((server: RunningServer) => string[]);
  /** @default 0 */
  kubeletPort?: number;
  /** Leave the air-gap folder empty: the images come from registries. */
  noAirGapImage?: boolean;
  /** The agent's stdout joins its logs too. */
  stdout?: boolean;
  /** No --pod-cidr: the server's node IPAM controller hands the node `${prefix}.0/24` (its whole --cluster-cidr). */
  podCidrFromController?: boolean;
  server?: StartOptions;
}

export interface NodeUnderTest {
  dir: string;
  dataDir: string;
  runDir: string;
  podLogsDir: string;
  paths: ReturnType<typeof nodePaths>;
  bridge: string;
  /** The pod CIDR is `${prefix}.0/24`. */
  prefix: string;
  nodeName: string;
  /** Container IDs the test saw; their processes are killed at cleanup. */
  ids: Set<string>;
  /** server and kubectl throw before start(). */
  readonly server: RunningServer;
  readonly kubectl: Kubectl;
  /** Exit code of the agent last started. */
  readonly agentExit: Promise<number | null>;
  /** The pid of the agent last started, if any. */
  readonly agentPid: number | undefined;
  /** Everything every agent process wrote to stderr (and stdout if asked). */
  logs(): string;
  /** The pod as `kubectl get -o json` reads it; undefined when it does not exist. */
  getPod(name: string, namespace?: string): Pod | undefined;
  /** Starts the server, then the agent. */
  start(): Promise<void>;
  /** Spawns the agent; the server runs and no other agent does. */
  startAgent(): void;
  /** SIGTERM to the agent; its exit code. */
  stopAgent(): Promise<number | null>;
  /** Resolves once the node reports Ready. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Stops agent (SIGTERM, SIGKILL after 15 s) and server, removes what they left and the directory. */
  cleanup(): Promise<void>;
}

/**
 * A node not yet started: its data dir exists, with the busybox image in
 * the air-gap folder unless noAirGapImage, so files can be placed there first.
 * The caller must call cleanup() once done, started or not.
 */
export function createTestNode(opts: NodeOptions): NodeUnderTest {
  const dir = mkdtempSync(`/tmp/k8ts-${opts.name}-`);
  const dataDir = join(dir, 'data');
  const runDir = join(dir, 'run');
  const paths = nodePaths(dataDir, { runDir });
  const nodeName = opts.nodeName ?? 'n1';
  const kubectlPath = findKubectl(35).path!;
  let server: RunningServer | undefined;
  let kubectl: Kubectl | undefined;
  let agent: ChildProcess | undefined;
  let agentExit: Promise<number | null> = Promise.resolve(null);
  let logs = '';
  mkdirSync(dataDir, { recursive: true });
  if (!opts.noAirGapImage) {
    mkdirSync(paths.imagesDir, { recursive: true });
    writeFileSync(join(paths.imagesDir, 'busybox.tar'), buildBusyboxImage(BUSYBOX).archive);
  }

  const node: NodeUnderTest = {
    dir, dataDir, runDir, paths, nodeName,
    podLogsDir: join(dir, 'pods'),
    bridge: `k8ts${opts.bridgeTag}${randomBytes(3).toString('hex')}`,
    prefix: freeSubnetPrefix(),
    ids: new Set<string>(),
    get server() { return started(server); },
    get kubectl() { return started(kubectl); },
    get agentExit() { return agentExit; },
    get agentPid() { return agent?.pid; },
    logs: () => logs,
    getPod(name, namespace = 'default') {
      const r = node.kubectl.run(['get', 'pod', '-n', namespace, name, '-o', 'json']);
      return r.status === 0 ? JSON.parse(r.stdout) as Pod : undefined;
    },
    async start() {
      server = await startServer(!opts.podCidrFromController ? opts.server
        : { ...opts.server, args: [...opts.server?.args ?? [], '--cluster-cidr', `${node.prefix}.0/24`, '--node-cidr-mask-size', '24'] });
      kubectl = new Kubectl(kubectlPath, server.kubeconfig);
      node.startAgent();
    },
    startAgent() {
      const s = started(server);
      const extra = typeof opts.agentArgs === 'function' ? opts.agentArgs(s) : opts.agentArgs ?? [];
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'agent', '--kubeconfig', s.kubeconfig,
        '--data-dir', dataDir, '--run-dir', runDir, '--node-name', nodeName, ...(opts.podCidrFromController ? [] : ['--pod-cidr', `${node.prefix}.0/24`]),
        '--cni-bridge', node.bridge, '--pod-logs-dir', node.podLogsDir, '--stream-server-port', '0',
        // flannel would program the host's own routes and iptables: these nodes run alone, outside a network namespace.
        '--kubelet-port', String(opts.kubeletPort ?? 0), '--flannel-backend', 'none', '--disable-kube-proxy', ...extra], {
        stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'info' },
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { logs += d; });
      child.stdout?.setEncoding('utf8').on('data', (d: string) => { logs += d; });
      agentExit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      agent = child;
    },
    stopAgent() {
      agent?.kill('SIGTERM');
      return agentExit;
    },
    async waitReady(timeoutMs = 45_000) {
      await eventually(() => node.kubectl.ok(['get', 'node', nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']) === 'True',
        timeoutMs, `node ${nodeName} Ready; agent log:\n${logs}`);
    },
    async cleanup() {
      await stopOrKill(agent, agentExit);
      if (process.env['K8TS_AGENT_LOG']) writeFileSync(process.env['K8TS_AGENT_LOG'], logs);
      await server?.stop();
      removeLeftovers(dir, node.ids, node.bridge);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return node;
}

async function stopOrKill(agent: ChildProcess | undefined, exit: Promise<number | null>): Promise<void> {
  if (!agent || agent.exitCode !== null) return;
  agent.kill('SIGTERM');
  await Promise.race([exit, new Promise((r) => setTimeout(r, 15_000))]);
  if (agent.exitCode === null) agent.kill('SIGKILL');
}

function started<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('the node is not started');
  return v;
}
