/**
 * `k8ts cloud-controller-manager`: the cloud provider's controllers alone,
 * against any API server a kubeconfig points at (as upstream's
 * cloud-controller-manager). `k8ts server` runs the same component in a
 * thread unless --disable-cloud-controller.
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../api/log.js';
import { defaultKubeconfigPath } from '../client/index.js';
import { cloudProviderNames, selectCloudControllers } from '../cloud/index.js';
import { startComponent } from './components.js';
import { parseBool, parseDuration, waitForSignal } from './flags.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: k8ts cloud-controller-manager [flags]

Flags:
  --kubeconfig PATH               Where the API server is and who we are (default $KUBECONFIG, else ~/.kube/config)
  --cloud-provider NAME           The provider (default k8ts; known: ${cloudProviderNames().join(', ')})
  --cloud-config FILE             The provider's configuration file
  --controllers LIST              Comma-separated: * for all, NAME to add, -NAME to remove (default *; cloud-node-controller,
                                  cloud-node-lifecycle-controller, service-lb-controller, node-route-controller)
  --configure-cloud-routes BOOL   Program pod routes through the provider (default false: flannel owns them)
  --cluster-cidr CIDR             The pod network; routes inside it are the route controller's (default 10.42.0.0/16)
  --cluster-name NAME             Handed to the provider's load balancer calls (default kubernetes)
  --node-monitor-period D         How often the cloud node lifecycle controller checks nodes (default 5s)
  --leader-elect BOOL             Run only while holding the Lease kube-system/cloud-controller-manager (default true)
`;

/** `--controllers` of the cloud controller manager, checked before anything starts. */
export function parseCloudControllersFlag(v: string): string[] {
  const list = v.split(',').map((c) => c.trim()).filter(Boolean);
  try {
    selectCloudControllers(list);
  } catch (e) {
    throw new UsageError(`invalid --controllers ${JSON.stringify(v)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return list;
}

export function parseCloudProviderFlag(v: string): string {
  if (!cloudProviderNames().includes(v)) throw new UsageError(`invalid --cloud-provider ${JSON.stringify(v)}: known: ${cloudProviderNames().join(', ')}`);
  return v;
}

export async function runCloudControllerManager(argv: string[]): Promise<number> {
  const { values } = parseFlags({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      'cloud-provider': { type: 'string' },
      'cloud-config': { type: 'string' },
      controllers: { type: 'string' },
      'configure-cloud-routes': { type: 'string' },
      'cluster-cidr': { type: 'string' },
      'cluster-name': { type: 'string' },
      'node-monitor-period': { type: 'string' },
      'leader-elect': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const log = createLogger('cloud-controller-manager');
  const kubeconfig = values.kubeconfig ?? defaultKubeconfigPath();
  const provider = parseCloudProviderFlag(values['cloud-provider'] ?? 'k8ts');
  let cloudConfig: string | undefined;
  if (values['cloud-config'] !== undefined) {
    try {
      cloudConfig = readFileSync(values['cloud-config'], 'utf8');
    } catch (e) {
      throw new UsageError(`invalid --cloud-config ${JSON.stringify(values['cloud-config'])}: ${(e as Error).message}`);
    }
  }
  const clusterCIDR = values['cluster-cidr'];
  if (clusterCIDR !== undefined && !/^[\d.]+\/\d{1,2}$|^[\da-fA-F:]+\/\d{1,3}$/.test(clusterCIDR)) {
    throw new UsageError(`invalid --cluster-cidr ${JSON.stringify(clusterCIDR)}: want a CIDR like 10.42.0.0/16`);
  }
  const controllers = values.controllers !== undefined ? parseCloudControllersFlag(values.controllers) : undefined;
  const period = values['node-monitor-period'];
  const component = startComponent('cloud-controller-manager', {
    kubeconfig, provider,
    ...(cloudConfig !== undefined ? { cloudConfig } : {}),
    leaderElect: parseBool('leader-elect', values['leader-elect'] ?? 'true'),
    ...(controllers ? { controllers } : {}),
    config: {
      configureCloudRoutes: parseBool('configure-cloud-routes', values['configure-cloud-routes'] ?? 'false'),
      ...(clusterCIDR ? { clusterCIDR } : {}),
      ...(values['cluster-name'] ? { clusterName: values['cluster-name'] } : {}),
      ...(period ? { nodeMonitorPeriodMs: parseDuration(period, 'node-monitor-period') } : {}),
    },
  });
  log.info({ kubeconfig, provider }, 'cloud controller manager running');
  const sig = await waitForSignal();
  log.info({ signal: sig }, 'shutting down');
  await component.stop();
  return 0;
}
