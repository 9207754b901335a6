/**
 * `k8ts controller-manager`: the controllers alone, against any API server
 * a kubeconfig points at (as kube-controller-manager). `k8ts server` runs the
 * same component in a thread of its own.
 */
import { createLogger } from '../api/log.js';
import { defaultKubeconfigPath } from '../client/index.js';
import { startComponent } from './components.js';
import { oneOf, parseBool, parseDuration, waitForSignal } from './flags.js';
import { parseFlags } from './parse-flags.js';
import { parseControllersFlag } from './controllers-flag.js';
import { NODE_IPAM_FLAGS, NODE_IPAM_FLAGS_HELP, nodeIpamConfig } from './node-ipam-flags.js';

const HELP = `Usage: k8ts controller-manager [flags]

Flags:
  --kubeconfig PATH              Where the API server is and who we are (default $KUBECONFIG, else ~/.kube/config)
  --controllers LIST             Comma-separated: * for all, NAME to add, -NAME to remove (default *)
  --leader-elect BOOL            Run only while holding the Lease kube-system/kube-controller-manager (default true)
  --node-monitor-grace-period D  A node whose Lease is this old is NotReady/Unknown (default 40s)
  --service-cluster-ip-range CIDR  Node podCIDRs are never taken from it (default: none)
  --cloud-provider external      A cloud controller manager runs the cloud loops (upstream: only "" or "external"; k8ts's
                                 controllers have no cloud-dependent loop, so both run the same controllers)
${NODE_IPAM_FLAGS_HELP}`;

export async function runControllerManager(argv: string[]): Promise<number> {
  const { values } = parseFlags({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      controllers: { type: 'string' },
      'leader-elect': { type: 'string' },
      'node-monitor-grace-period': { type: 'string' },
      'service-cluster-ip-range': { type: 'string' },
      ...NODE_IPAM_FLAGS,
      'cloud-provider': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const log = createLogger('kube-controller-manager');
  // Upstream's in-tree providers are gone: "external" (or none) is all it accepts. With it upstream leaves out
  // service-lb-controller, node-route-controller and cloud-node-lifecycle-controller; k8ts's manager has none of them.
  const cloudProvider = values['cloud-provider'] ? oneOf('cloud-provider', values['cloud-provider'], ['external']) : '';
  const kubeconfig = values.kubeconfig ?? defaultKubeconfigPath();
  const controllers = values.controllers !== undefined ? parseControllersFlag(values.controllers) : undefined;
  const grace = values['node-monitor-grace-period'];
  const config = {
    ...nodeIpamConfig(values, values['service-cluster-ip-range']),
    ...(grace ? { nodeMonitorGracePeriodMs: parseDuration(grace, 'node-monitor-grace-period') } : {}),
  };
  const component = startComponent('controller-manager', {
    kubeconfig,
    leaderElect: parseBool('leader-elect', values['leader-elect'] ?? 'true'),
    ...(controllers ? { controllers } : {}),
    config,
  });
  log.info({ kubeconfig, cloudProvider }, 'controller manager running');
  const sig = await waitForSignal();
  log.info({ signal: sig }, 'shutting down');
  await component.stop();
  return 0;
}
