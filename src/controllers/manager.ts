/**
 * The controller manager (upstream's kube-controller-manager): starts the
 * controllers in CONTROLLERS over one client and one set of shared
 * informers, once this process holds the `kube-system/kube-controller-manager`
 * Lease. When leadership is lost every controller stops (upstream exits the
 * process; here a new term starts them again, on fresh informers).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../api/log.js';
import { EventRecorder } from '../client/event-recorder.js';
import { InformerFactory } from '../client/informer-factory.js';
import { startLeaderElection } from '../client/leader-election.js';
import type { RestClient } from '../client/rest-client.js';
import { DEFAULT_CONTROLLER_MANAGER_CONFIG, type ControllerDescriptor, type ControllerManagerConfig } from './context.js';
import { CONTROLLERS } from './registry.js';

export interface ControllerManagerOptions {
  /** Writes and reads of every controller. */
  client: RestClient;
  /** Informers' list and watch; one connection per watched resource, so give it a pool of its own (maxSockets >= 128). */
  informerClient: RestClient;
  logger: Logger;
  /**
   * Which controllers run, as upstream's --controllers: `*` for all, a name
   * to add one, `-name` to remove one. @default ['*']
   */
  controllers?: readonly string[];
  /** @default true */
  leaderElect?: boolean;
  config?: Partial<ControllerManagerConfig>;
  /** @default CONTROLLERS */
  available?: readonly ControllerDescriptor[];
}

export interface RunningControllerManager {
  stop(): Promise<void>;
  /** Names of the controllers running now (empty while not leading). */
  running(): string[];
}

/** The descriptors that `spec` (upstream's --controllers syntax) selects from `available`. */
export function selectControllers(spec: readonly string[], available: readonly ControllerDescriptor[]): ControllerDescriptor[] {
  const known = new Set(available.map((c) => c.name));
  for (const s of spec) {
    const name = s.replace(/^-/, '');
    if (name !== '*' && !known.has(name)) {
      throw new Error(`unknown controller ${JSON.stringify(name)}; known: ${[...known].join(', ')}`);
    }
  }
  const all = spec.includes('*');
  return available.filter((c) => !spec.includes(`-${c.name}`) && (all || spec.includes(c.name)));
}

export function startControllerManager(opts: ControllerManagerOptions): RunningControllerManager {
  const chosen = selectControllers(opts.controllers ?? ['*'], opts.available ?? CONTROLLERS);
  const config: ControllerManagerConfig = { ...DEFAULT_CONTROLLER_MANAGER_CONFIG, ...opts.config };
  const log = opts.logger;
  let term: { names: string[]; stop(): Promise<void> } | undefined;

  const startTerm = (): { names: string[]; stop(): Promise<void> } => {
    const informers = new InformerFactory(opts.informerClient, { logger: log });
    const started: { name: string; stop(): Promise<void> }[] = [];
    for (const d of chosen) {
      const logger = log.child({ controller: d.name });
      const recorder = new EventRecorder({ client: opts.client, component: `${d.name}-controller`, logger });
      try {
        started.push({ name: d.name, ...d.start({ client: opts.client, informers, logger, recorder, config }) });
      } catch (e) {
        log.error({ controller: d.name, err: e instanceof Error ? e.message : String(e) }, 'controller failed to start');
      }
    }
    informers.start();
    return {
      names: started.map((s) => s.name),
      async stop() {
        await Promise.all(started.map((s) => s.stop()));
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
    client: opts.client, namespace: 'kube-system', name: 'kube-controller-manager',
    identity: `${hostname()}_${randomUUID()}`, logger: log,
    onStartedLeading: () => {
      log.info({ controllers: chosen.map((c) => c.name) }, 'leading: starting controllers');
      term = startTerm();
    },
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
