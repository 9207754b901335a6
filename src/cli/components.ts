/**
 * The control-plane components other than the API server, as the command
 * line starts them: each is a client of the API (through a kubeconfig) and
 * nothing else, so it runs the same in the server's process, in a worker
 * thread of it, or as a command of its own (`k8ts controller-manager`).
 */
import { register as globalMetrics } from 'prom-client';
import { createLogger } from '../api/log.js';
import { RestClient } from '../client/index.js';
import { startControllerManager } from '../controllers/index.js';
import type { ControllerManagerConfig } from '../controllers/index.js';
import { ensureKubeDnsService, startClusterDns, type RunningClusterDns } from '../dns/index.js';
import { loadSchedulerConfig, startScheduler } from '../scheduler/index.js';
import { startServerSimulatedNodes } from './sim.js';
import { initCloudProvider, startCloudControllerManager, type CloudControllerConfig } from '../cloud/index.js';

/** A running component. */
export interface Component {
  /** Set when starting takes a while (binding a port): settles once it is up, rejects if it cannot start. */
  ready?: Promise<void>;
  stop(): Promise<void>;
}

export interface ControllerManagerArgs {
  kubeconfig: string;
  /** upstream's --controllers syntax; @default ['*'] */
  controllers?: string[];
  /** @default true */
  leaderElect?: boolean;
  config?: Partial<ControllerManagerConfig>;
}

export interface SchedulerArgs {
  kubeconfig: string;
  /** A KubeSchedulerConfiguration file; @default upstream's default profile */
  configPath?: string;
  /** @default true */
  leaderElect?: boolean;
}

export interface CloudControllerManagerArgs {
  kubeconfig: string;
  /** A registered provider name (--cloud-provider). */
  provider: string;
  /** The text of --cloud-config. */
  cloudConfig?: string;
  /** upstream's --controllers syntax; @default ['*'] */
  controllers?: string[];
  /** @default true */
  leaderElect?: boolean;
  config?: Partial<CloudControllerConfig>;
}

export interface SimulatedNodesArgs {
  kubeconfig: string;
  count: number;
  heartbeatIntervalMs?: number;
}

export interface ClusterDnsArgs {
  kubeconfig: string;
  /** Where the server listens (UDP and TCP), and what the kube-dns EndpointSlice points at. */
  host: string;
  port: number;
  /** The kube-dns Service's ClusterIP. */
  clusterIP: string;
  clusterDomain: string;
  /** Where the upstream nameservers come from. */
  resolvConf: string;
}

/** Options of every component, by name; structured-clonable (they cross into worker threads). */
export interface ComponentArgs {
  'controller-manager': ControllerManagerArgs;
  'cloud-controller-manager': CloudControllerManagerArgs;
  'simulated-nodes': SimulatedNodesArgs;
  scheduler: SchedulerArgs;
  'cluster-dns': ClusterDnsArgs;
}

export type ComponentName = keyof ComponentArgs;

export function startComponent<N extends ComponentName>(name: N, args: ComponentArgs[N]): Component {
  switch (name) {
    case 'controller-manager': return startControllerManagerComponent(args as ControllerManagerArgs);
    case 'cloud-controller-manager': return startCloudControllerManagerComponent(args as CloudControllerManagerArgs);
    case 'simulated-nodes': return startSimulatedNodesComponent(args as SimulatedNodesArgs);
    case 'scheduler': return startSchedulerComponent(args as SchedulerArgs);
    case 'cluster-dns': return startClusterDnsComponent(args as ClusterDnsArgs);
    default: throw new Error(`unknown component ${String(name)}`);
  }
}

/** Prometheus text of this thread's components (prom-client's global registry). */
export function componentMetrics(): Promise<string> {
  return globalMetrics.metrics();
}

function startControllerManagerComponent(a: ControllerManagerArgs): Component {
  const client = RestClient.fromKubeconfig(a.kubeconfig, { component: 'kube-controller-manager' });
  // Every shared informer holds one connection for its watch: they get a pool of their own.
  const informerClient = RestClient.fromKubeconfig(a.kubeconfig, { component: 'kube-controller-manager', maxSockets: 256 });
  const manager = startControllerManager({
    client, informerClient, logger: createLogger('kube-controller-manager'),
    leaderElect: a.leaderElect ?? true,
    ...(a.controllers ? { controllers: a.controllers } : {}),
    ...(a.config ? { config: a.config } : {}),
  });
  return {
    async stop() {
      await manager.stop();
      client.close();
      informerClient.close();
    },
  };
}

/** An unknown provider or a bad --cloud-config throws here, so the server refuses to start. */
function startCloudControllerManagerComponent(a: CloudControllerManagerArgs): Component {
  const provider = initCloudProvider(a.provider, a.cloudConfig);
  const client = RestClient.fromKubeconfig(a.kubeconfig, { component: 'cloud-controller-manager' });
  const informerClient = RestClient.fromKubeconfig(a.kubeconfig, { component: 'cloud-controller-manager', maxSockets: 16 });
  const manager = startCloudControllerManager({
    client, informerClient, provider, logger: createLogger('cloud-controller-manager'), leaderElect: a.leaderElect ?? true,
    ...(a.controllers ? { controllers: a.controllers } : {}),
    ...(a.config ? { config: a.config } : {}),
  });
  return {
    async stop() {
      await manager.stop();
      client.close();
      informerClient.close();
    },
  };
}

/** Nodes register in the background (thousands take a while); a failure is logged, not fatal to the server. */
function startSimulatedNodesComponent(a: SimulatedNodesArgs): Component {
  const log = createLogger('simulated-nodes');
  const running = startServerSimulatedNodes(a.kubeconfig, {
    count: a.count, logger: log, ...(a.heartbeatIntervalMs ? { heartbeatIntervalMs: a.heartbeatIntervalMs } : {}),
  }).catch((e: unknown) => {
    log.error({ err: e instanceof Error ? e.message : String(e) }, 'simulated nodes failed to start');
    return undefined;
  });
  return { stop: async () => { await (await running)?.stop(); } };
}

/** A bad configuration file throws here, so the server refuses to start. */
function startSchedulerComponent(a: SchedulerArgs): Component {
  const config = a.configPath ? loadSchedulerConfig(a.configPath) : undefined;
  const client = RestClient.fromKubeconfig(a.kubeconfig, { component: 'kube-scheduler' });
  const informerClient = RestClient.fromKubeconfig(a.kubeconfig, { component: 'kube-scheduler', maxSockets: 64 });
  const scheduler = startScheduler({
    client, informerClient, logger: createLogger('kube-scheduler'), leaderElect: a.leaderElect ?? true, ...(config ? { config } : {}),
  });
  return {
    async stop() {
      await scheduler.stop();
      client.close();
      informerClient.close();
    },
  };
}

/**
 * The built-in cluster DNS, and the kube-dns Service in front of it: a
 * Service without selector whose EndpointSlice points at this server, as
 * the `kubernetes` Service points at the API server.
 */
function startClusterDnsComponent(a: ClusterDnsArgs): Component {
  const client = RestClient.fromKubeconfig(a.kubeconfig, { component: 'cluster-dns', maxSockets: 8 });
  const abort = new AbortController();
  const log = createLogger('cluster-dns');
  let dns: RunningClusterDns | undefined;
  const ready = (async () => {
    dns = await startClusterDns({
      client, listen: { host: a.host, port: a.port }, clusterDomain: a.clusterDomain, resolvConf: a.resolvConf, log, signal: abort.signal,
    });
    await ensureKubeDnsService(client, { clusterIP: a.clusterIP, endpointAddress: a.host, port: dns.port });
    log.info({ listen: `${a.host}:${dns.port}`, clusterIP: a.clusterIP, domain: a.clusterDomain }, 'cluster DNS serving');
  })();
  return {
    ready,
    async stop() {
      abort.abort();
      await ready.catch(() => undefined);
      await dns?.stop();
      client.close();
    },
  };
}
