/**
 * `k8ts scheduler`: the scheduler alone, against any API server a kubeconfig
 * points at (as kube-scheduler). `k8ts server` runs the same component in a
 * thread of its own.
 */
import { resolve } from 'node:path';
import { createLogger } from '../api/log.js';
import { defaultKubeconfigPath } from '../client/index.js';
import { startComponent } from './components.js';
import { parseBool, waitForSignal } from './flags.js';
import { parseFlags } from './parse-flags.js';

const HELP = `Usage: k8ts scheduler [flags]

Flags:
  --kubeconfig PATH      Where the API server is and who we are (default $KUBECONFIG, else ~/.kube/config)
  --config FILE          KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, YAML or JSON)
  --leader-elect BOOL    Schedule only while holding the Lease kube-system/kube-scheduler (default true)
`;

export async function runSchedulerCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      config: { type: 'string' },
      'leader-elect': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const log = createLogger('kube-scheduler');
  const kubeconfig = values.kubeconfig ?? defaultKubeconfigPath();
  const component = startComponent('scheduler', {
    kubeconfig,
    leaderElect: parseBool('leader-elect', values['leader-elect'] ?? 'true'),
    ...(values.config ? { configPath: resolve(values.config) } : {}),
  });
  log.info({ kubeconfig }, 'scheduler running');
  const sig = await waitForSignal();
  log.info({ signal: sig }, 'shutting down');
  await component.stop();
  return 0;
}
