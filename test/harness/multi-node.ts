/**
 * A cluster of one `k8ts server` and N `k8ts agent`s on one machine, wired
 * as separate hosts: a host bridge (`k8ts…`) is the LAN, the server listens
 * on the host's address on it, and each agent runs in its own network
 * namespace (`ip netns add`, the agent under `nsenter --net`) with a veth into that bridge, its own node IP
 * and default route via the host, its own containerd (root, state, socket
 * under the cluster's directory), its own podCIDR inside a free 10.x/16
 * cluster CIDR and its own CNI bridge.
 *
 * Topologies: `l2` puts every node on one subnet of the bridge (host-gw
 * works); `routed` gives each node its own subnet with the host routing
 * between them, so nodes share no L2 network at the IP level (host-gw's
 * routes are refused as not on-link; vxlan works).
 *
 * cleanup() stops the agents and the server, kills what is left in the
 * namespaces and under the directory (containerd, shims and their
 * containers), deletes the namespaces, veths and bridge, unmounts and
 * removes the directory; leftovers() then lists anything still there.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBusyboxImage, nodePaths } from '../../src/kubelet/index.js';
import { leftoverMounts, leftoverProcesses, linkExists } from '../node/leftovers.js';
import { BUSYBOX } from '../node/node-under-test.js';
import { REPO_ROOT, findKubectl } from './clients.js';
import { Kubectl, eventually } from './kubectl.js';
import { startServer, type RunningServer } from './server.js';

export type Topology = 'l2' | 'routed';

export interface MultiNodeOptions {
  /** Names the directory (/tmp/k8ts-<name>-XXXXXX). */
  name: string;
  /** @default 2 */
  agents?: number;
  /** @default 'l2' */
  topology?: Topology;
  /** Each agent's --flannel-backend. */
  flannelBackend: 'host-gw' | 'vxlan' | 'none';
  /** More flags for every agent. */
  agentArgs?: string[];
  /** More flags for the server. */
  serverArgs?: string[];
  /** The server's --resolv-conf text: where its cluster DNS forwards other names. @default the host's */
  resolvConf?: string;
}

/** One agent and the host it plays. */
export interface AgentHost {
  nodeName: string;
  netns: string;
  nodeIP: string;
  /** The host's address on this node's subnet (its default gateway). */
  gateway: string;
  podCidr: string;
  /** The veth end on the host bridge. */
  hostVeth: string;
  cniBridge: string;
  dir: string;
  /** Exit code once the agent process exits. */
  readonly exit: Promise<number | null>;
  logs(): string;
  /** Runs argv inside the node's network namespace; its stdout. Throws on failure. */
  exec(argv: string[]): string;
  /** SIGTERM to the agent; its exit code. Its containers keep running until cleanup. */
  stop(): Promise<number | null>;
  /** SIGKILL to the agent (a node that dies); resolves once it exited. */
  kill(): Promise<void>;
  /** Stops the agent and starts it again with the cluster's flags plus `extraArgs`; it adopts its running containers. */
  restart(extraArgs?: string[]): Promise<void>;
}

export interface MultiNodeCluster {
  dir: string;
  bridge: string;
  topology: Topology;
  /** The address the agents reach the server at. */
  serverIP: string;
  clusterCidr: string;
  agents: AgentHost[];
  /** Container IDs the test saw; their processes are killed at cleanup. */
  ids: Set<string>;
  readonly server: RunningServer;
  readonly kubectl: Kubectl;
  /** The LAN, the namespaces, the server, then the agents. */
  start(): Promise<void>;
  /** Resolves once every node reports Ready. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Everything every agent wrote, prefixed by node. */
  logs(): string;
  /** Stops and removes everything; never throws. */
  cleanup(): Promise<void>;
  /** What of the cluster is still on the machine (namespaces, links, mounts, processes, the directory); empty after cleanup. */
  leftovers(): string[];
}

/** A cluster not yet started; call cleanup() once done, started or not. */
export function createMultiNodeCluster(opts: MultiNodeOptions): MultiNodeCluster {
  const count = opts.agents ?? 2;
  if (count < 1 || count > 9) throw new Error(`agents: 1 to 9, not ${count}`);
  const topology = opts.topology ?? 'l2';
  const dir = mkdtempSync(`/tmp/k8ts-${opts.name}-`);
  const bridge = `k8tsm${randomBytes(3).toString('hex')}`;
  const [lan, pods] = freeTenPrefixes(2);
  const clusterCidr = `${pods}.0.0/16`;
  const serverIP = topology === 'l2' ? `${lan}.0.1` : `${lan}.1.1`;
  const ids = new Set<string>();
  const kubectlPath = findKubectl(35).path!;
  const children: Array<{ child: ChildProcess; exit: Promise<number | null> }> = [];
  let server: RunningServer | undefined;
  let kubectl: Kubectl | undefined;
  const spawners = new Map<AgentHost, (kubeconfig: string, extraArgs?: string[]) => void>();
  const agentKubeconfig = join(dir, 'agent.kubeconfig');

  const agents: AgentHost[] = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const nodeIP = topology === 'l2' ? `${lan}.0.${10 + n}` : `${lan}.${n}.2`;
    const gateway = topology === 'l2' ? serverIP : `${lan}.${n}.1`;
    const netns = `${bridge}n${n}`;
    let logs = '';
    let exit: Promise<number | null> = Promise.resolve(null);
    let agent: ChildProcess | undefined;
    const host: AgentHost = {
      nodeName: `node-${n}`, netns, nodeIP, gateway, podCidr: `${pods}.${n}.0/24`, hostVeth: `${bridge}v${n}`, cniBridge: `${bridge}c${n}`,
      dir: join(dir, `node-${n}`),
      get exit() { return exit; },
      logs: () => logs,
      exec: (argv) => execFileSync('ip', ['netns', 'exec', netns, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      stop: () => { agent?.kill('SIGTERM'); return exit; },
      kill: async () => { agent?.kill('SIGKILL'); await exit; },
      restart: async (extraArgs = []) => {
        await host.stop();
        spawners.get(host)!(agentKubeconfig, extraArgs);
      },
    };
    spawners.set(host, (kubeconfig: string, extraArgs: string[] = []) => {
      const dataDir = join(host.dir, 'data');
      // nsenter, not `ip netns exec`: that one remounts /sys in a new mount namespace, hiding the cgroup mounts runc needs.
      const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', process.execPath, join(REPO_ROOT, 'bin', 'k8ts.js'), 'agent',
        '--kubeconfig', kubeconfig, '--data-dir', dataDir, '--run-dir', join(host.dir, 'run'), '--node-name', host.nodeName,
        '--node-ip', nodeIP, '--pod-cidr', host.podCidr, '--cni-bridge', host.cniBridge, '--pod-logs-dir', join(host.dir, 'pods'),
        '--container-logs-dir', join(host.dir, 'containers'), '--stream-server-port', '0', '--kubelet-port', '0',
        '--flannel-backend', opts.flannelBackend, '--cluster-cidr', clusterCidr, ...(opts.agentArgs ?? []), ...extraArgs], {
        stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'info' },
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { logs += d; });
      exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      children.push({ child, exit });
      agent = child;
    });
    return host;
  });

  const cluster: MultiNodeCluster = {
    dir, bridge, topology, serverIP, clusterCidr, agents, ids,
    get server() { return started(server); },
    get kubectl() { return started(kubectl); },
    async start() {
      ip('link', 'add', bridge, 'type', 'bridge');
      ip('link', 'set', bridge, 'up');
      const hostAddrs = topology === 'l2' ? [serverIP] : agents.map((a) => a.gateway);
      for (const a of hostAddrs) ip('addr', 'add', `${a}/24`, 'dev', bridge);
      const image = buildBusyboxImage(BUSYBOX).archive;
      for (const a of agents) {
        ip('netns', 'add', a.netns);
        ip('link', 'add', a.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', a.netns);
        ip('link', 'set', a.hostVeth, 'master', bridge, 'up');
        a.exec(['ip', 'link', 'set', 'lo', 'up']);
        a.exec(['ip', 'addr', 'add', `${a.nodeIP}/24`, 'dev', 'eth0']);
        a.exec(['ip', 'link', 'set', 'eth0', 'up']);
        a.exec(['ip', 'route', 'add', 'default', 'via', a.gateway]);
        a.exec(['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
        const paths = nodePaths(join(a.dir, 'data'), { runDir: join(a.dir, 'run') });
        mkdirSync(paths.imagesDir, { recursive: true });
        writeFileSync(join(paths.imagesDir, 'busybox.tar'), image);
      }
      // The server is this host: pods reach it (the kubernetes Service, the cluster DNS) at its address on the LAN.
      const resolvConf = join(dir, 'server-resolv.conf');
      if (opts.resolvConf !== undefined) writeFileSync(resolvConf, opts.resolvConf);
      server = await startServer({
        args: ['--bind-address', '0.0.0.0', '--advertise-address', serverIP, '--cluster-cidr', clusterCidr,
          ...(opts.resolvConf !== undefined ? ['--resolv-conf', resolvConf] : []),
          ...hostAddrs.flatMap((a) => ['--tls-san', a]), ...(opts.serverArgs ?? [])],
        clusterDns: true, timeoutMs: 60_000,
      });
      kubectl = new Kubectl(kubectlPath, server.kubeconfig);
      const kubeconfig = agentKubeconfig;
      writeFileSync(kubeconfig, readFileSync(server.kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:/, `server: https://${serverIP}:`));
      for (const a of agents) spawners.get(a)!(kubeconfig);
    },
    async waitReady(timeoutMs = 120_000) {
      for (const a of agents) {
        await eventually(() => cluster.kubectl.run(['get', 'node', a.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']).stdout === 'True',
          timeoutMs, `node ${a.nodeName} Ready; logs:\n${cluster.logs()}`);
      }
    },
    logs: () => agents.map((a) => a.logs().split('\n').filter(Boolean).map((l) => `[${a.nodeName}] ${l}`).join('\n')).join('\n'),
    async cleanup() {
      await Promise.all(children.map(({ child, exit }) => stopOrKill(child, exit)));
      if (process.env['K8TS_AGENT_LOG']) writeFileSync(process.env['K8TS_AGENT_LOG'], cluster.logs());
      await server?.stop().catch(() => undefined);
      const pids = new Set<number>(leftoverProcesses(dir, ids));
      for (const a of agents) for (const pid of netnsPids(a.netns)) pids.add(pid);
      for (const pid of withDescendants(pids)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
      await eventually(() => [...pids].every((p) => !existsSync(`/proc/${p}`) || isZombie(p)), 10_000, 'the cluster\'s processes exit').catch(() => undefined);
      for (const a of agents) {
        tryIp('netns', 'del', a.netns);
        tryIp('link', 'del', a.hostVeth);
      }
      tryIp('link', 'del', bridge);
      for (const m of leftoverMounts(dir)) {
        try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* not mounted any more */ }
      }
      rmSync(dir, { recursive: true, force: true });
    },
    leftovers() {
      const out: string[] = [];
      const netns = existsSync('/run/netns') ? readdirSync('/run/netns') : [];
      for (const a of agents) {
        if (netns.includes(a.netns)) out.push(`netns ${a.netns}`);
        if (linkExists(a.hostVeth)) out.push(`link ${a.hostVeth}`);
      }
      if (linkExists(bridge)) out.push(`link ${bridge}`);
      for (const m of leftoverMounts(dir)) out.push(`mount ${m}`);
      for (const p of leftoverProcesses(dir, ids)) if (!isZombie(p)) out.push(`process ${p}`);
      if (existsSync(dir)) out.push(`directory ${dir}`);
      return out;
    },
  };
  return cluster;
}

/** `count` distinct second octets x (100..199) such that no route of this machine is in 10.x.0.0/16; as "10.x". */
export function freeTenPrefixes(count: number): string[] {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  const out: string[] = [];
  for (let i = 0; i < 200 && out.length < count; i++) {
    const prefix = `10.${100 + Math.floor(Math.random() * 100)}`;
    if (!routes.includes(`${prefix}.`) && !out.includes(prefix)) out.push(prefix);
  }
  if (out.length < count) throw new Error('no free 10.x.0.0/16 range');
  return out;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function tryIp(...args: string[]): void {
  try { ip(...args); } catch { /* already gone */ }
}

function netnsPids(netns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `pids` and every process below them (containers are their shims' children). */
function withDescendants(pids: Set<number>): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const ppid = parentOf(Number(e));
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
  }
  const out = new Set<number>();
  const visit = (p: number): void => {
    if (out.has(p)) return;
    out.add(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  for (const p of pids) visit(p);
  out.delete(process.pid);
  return [...out];
}

function stat(pid: number): string[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const f = stat(pid);
  return f ? Number(f[1]) : undefined;
}

function isZombie(pid: number): boolean {
  return stat(pid)?.[0] === 'Z';
}

async function stopOrKill(child: ChildProcess, exit: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([exit, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.race([exit, new Promise((r) => setTimeout(r, 5_000))]);
}

function started<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('the cluster is not started');
  return v;
}
