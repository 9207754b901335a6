/**
 * The cloud controller manager (upstream's cloud-controller-manager): the
 * provider's controllers over one client and one set of shared informers,
 * once this process holds the `kube-system/cloud-controller-manager` Lease.
 * Losing the Lease stops every controller; a new term starts them again.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../api/log.js';
import { InformerFactory, startLeaderElection, type RestClient } from '../client/index.js';
import type { CloudProvider } from './cloud-provider.js';
import { DEFAULT_CLOUD_CONTROLLER_CONFIG, selectCloudControllers, type CloudControllerConfig, type CloudControllerDescriptor } from './controllers.js';

export interface CloudControllerManagerOptions {
  client: RestClient;
  /** For informers' list and watch (a pool of its own). */
  informerClient: RestClient;
  provider: CloudProvider;
  logger: Logger;
  /** upstream's --controllers syntax. @default ['*'] */
  controllers?: readonly string[];
  /** @default true */
  leaderElect?: boolean;
  config?: Partial<CloudControllerConfig>;
  /** @default CLOUD_CONTROLLERS */
  available?: readonly CloudControllerDescriptor[];
}

export interface RunningCloudControllerManager {
  stop(): Promise<void>;
  /** Names of the controllers running now (empty while not leading). */
  running(): string[];
}

export function startCloudControllerManager(opts: CloudControllerManagerOptions): RunningCloudControllerManager {
  const chosen = selectCloudControllers(opts.controllers ?? ['*'], opts.available);
  const config: CloudControllerConfig = { ...DEFAULT_CLOUD_CONTROLLER_CONFIG, ...opts.config };
  const log = opts.logger;
  let term: { names: string[]; stop(): Promise<void> } | undefined;

  const startTerm = (): { names: string[]; stop(): Promise<void> } => {
    const informers = new InformerFactory(opts.informerClient, { logger: log });
    opts.provider.initialize?.({ client: opts.client, informers, logger: log.child({ provider: opts.provider.providerName }) });
    const started: { name: string; stop(): Promise<void> }[] = [];
    for (const d of chosen) {
      try {
        const c = d.start({ client: opts.client, informers, provider: opts.provider, logger: log.child({ controller: d.name }), config });
        if (c) started.push({ name: d.name, ...c });
      } catch (e) {
        log.error({ controller: d.name, err: e instanceof Error ? e.message : String(e) }, 'controller failed to start');
      }
    }
    informers.start();
    log.info({ provider: opts.provider.providerName, controllers: started.map((s) => s.name) }, 'cloud controllers started');
    return {
      names: started.map((s) => s.name),
      async stop() {
        await Promise.all(started.map((s) => s.stop()));
        await opts.provider.stop?.();
        await informers.stop();
      },
    };
  };

  if (opts.leaderElect === false) {
    term = startTerm();
    return { stop: () => term!.stop(), running: () => term?.names ?? [] };
  }
  let stopping: Promise<void> | undefined;
  const election = startLeaderElection({
    client: opts.client, namespace: 'kube-system', name: 'cloud-controller-manager',
    identity: `${hostname()}_${randomUUID()}`, logger: log,
    onStartedLeading: () => { term = startTerm(); },
    onStoppedLeading: () => {
      const t = term;
      term = undefined;
      if (t) stopping = t.stop();
    },
  });
  return {
    async stop() {
      await election.stop();
      const t = term;
      term = undefined;
      await Promise.all([t?.stop(), stopping]);
    },
    running: () => term?.names ?? [],
  };
}
