/**
 * `k8ts sim`: simulated nodes joining any API server (k8ts or upstream) with
 * a kubeconfig, and the flags `k8ts server --simulated-nodes` shares.
 * Wiring only; the simulator is src/sim.
 */
import { createLogger, type Logger } from '../api/log.js';
import { parseQuantity } from '../api/validation/quantity.js';
import { RestClient, defaultKubeconfigPath, loadKubeconfig } from '../client/index.js';
import { defaultPodStages, loadStages, startSimulatedNodes, type SimulatedNodes, type Stage } from '../sim/index.js';
import { parseFlags } from './parse-flags.js';
import { nonNegativeInt, parseDuration } from './flags.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: k8ts sim --nodes N [flags]

Registers N simulated nodes with an API server, renews their Leases in
kube-node-lease and moves the pods bound to them through stages (as kwok
does). Each node takes its podCIDR from the cluster's node IPAM controller
(k8ts server runs one); its pods wait for it. Annotate a node
sim.k8ts.io/stopped=true to stop it; SIGINT or SIGTERM stops them all (the
Node objects stay).

Flags:
  --kubeconfig PATH           Kubeconfig to use (default $KUBECONFIG, else ~/.kube/config)
  --context NAME              Kubeconfig context (default: current)
  --server URL                Overrides the kubeconfig's server
  --nodes N                   How many nodes (required)
  --name-prefix P             Node names P0, P1, ... (default sim-node-)
  --capacity LIST             Node capacity, e.g. cpu=32,memory=256Gi,pods=110,ephemeral-storage=1Ti (those are the defaults)
  --node-labels LIST          Extra labels on every node, k=v,k=v
  --heartbeat-interval DUR    Lease renewal period (default 10s)
  --pod-complete-delay DUR    How long Never/OnFailure pods run before they finish (default 1s)
  --stages FILE               Pod stages (YAML or JSON) instead of the built-in ones
`;

function parseMap(flag: string, s: string, check?: (k: string, v: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid --${flag} entry ${JSON.stringify(part)}: want key=value`);
    const [k, v] = [part.slice(0, i), part.slice(i + 1)];
    check?.(k, v);
    out[k] = v;
  }
  return out;
}

/** Starts simulated nodes for `k8ts server --simulated-nodes N`, with their own clients from the admin kubeconfig. */
export async function startServerSimulatedNodes(kubeconfig: string, opts: { count: number; heartbeatIntervalMs?: number; logger?: Logger }):
  Promise<{ sim: SimulatedNodes; stop(): Promise<void> }> {
  const client = RestClient.fromKubeconfig(kubeconfig, { component: 'simulated-nodes', maxSockets: 64 });
  const informerClient = RestClient.fromKubeconfig(kubeconfig, { component: 'simulated-nodes', maxSockets: 4 });
  try {
    const sim = await startSimulatedNodes({
      client, informerClient, count: opts.count, logger: opts.logger ?? createLogger('simulated-nodes'),
      ...(opts.heartbeatIntervalMs ? { heartbeatIntervalMs: opts.heartbeatIntervalMs } : {}),
    });
    return { sim, stop: async () => { await sim.stop(); client.close(); informerClient.close(); } };
  } catch (e) {
    client.close();
    informerClient.close();
    throw e;
  }
}

export async function runSim(argv: string[]): Promise<number> {
  const { values } = parseFlags({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      server: { type: 'string' },
      nodes: { type: 'string' },
      'name-prefix': { type: 'string' },
      capacity: { type: 'string' },
      'node-labels': { type: 'string' },
      'heartbeat-interval': { type: 'string' },
      'pod-complete-delay': { type: 'string' },
      stages: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.nodes === undefined) throw new UsageError('flag --nodes is required');
  const count = nonNegativeInt('nodes', values.nodes);
  const capacity = values.capacity ? parseMap('capacity', values.capacity, (k, v) => {
    if (!parseQuantity(v)) throw new UsageError(`invalid --capacity ${k}=${v}: not a quantity`);
  }) : undefined;
  const labels = values['node-labels'] ? parseMap('node-labels', values['node-labels']) : undefined;
  const heartbeatIntervalMs = values['heartbeat-interval'] ? parseDuration(values['heartbeat-interval'], 'heartbeat-interval') : undefined;
  if (values.stages && values['pod-complete-delay']) {
    throw new UsageError('flag --pod-complete-delay applies to the built-in stages; set the delay in --stages instead');
  }
  const completeAfterMs = values['pod-complete-delay'] ? parseDuration(values['pod-complete-delay'], 'pod-complete-delay') : undefined;
  const stages: Stage[] = values.stages
    ? await loadStages(values.stages)
    : defaultPodStages(completeAfterMs !== undefined ? { completeAfterMs } : {});
  const path = values.kubeconfig ?? defaultKubeconfigPath();
  const conn = loadKubeconfig(path, values.context ? { context: values.context } : {});
  if (values.server) conn.server = values.server;
  const client = new RestClient(conn, { component: 'simulated-nodes', maxSockets: 64 });
  const informerClient = new RestClient(conn, { component: 'simulated-nodes', maxSockets: 4 });
  const log = createLogger('simulated-nodes');
  const sim = await startSimulatedNodes({
    client, informerClient, logger: log, count, stages,
    ...(values['name-prefix'] !== undefined ? { namePrefix: values['name-prefix'] } : {}),
    ...(capacity ? { capacity } : {}),
    ...(labels ? { labels } : {}),
    ...(heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping simulated nodes');
      sim.stop().finally(() => { client.close(); informerClient.close(); resolve(); });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
