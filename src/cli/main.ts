/**
 * The `k8ts` command: parses the subcommand and hands over. Wiring only.
 */
import { runServer } from './server.js';
import { runControllerManager } from './controller-manager.js';
import { runSim } from './sim.js';
import { runWhyPending } from './why-pending.js';
import { runSchedulerCommand } from './scheduler.js';
import { versionInfo } from '../apiserver/version.js';

const USAGE = `Usage: k8ts <command> [flags]

Commands:
  server              Run the control plane (API server and store, controllers)
  controller-manager  Run the controllers alone against an API server
  scheduler           Run the scheduler alone against an API server
  sim                 Run simulated nodes against an API server
  why-pending POD     Explain, node by node, why the scheduler rejects a pod (or how it scores nodes)
  version             Print the version

Run 'k8ts <command> --help' for a command's flags.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server': return runServer(rest);
    case 'controller-manager': return runControllerManager(rest);
    case 'sim': return runSim(rest);
    case 'why-pending': return runWhyPending(rest);
    case 'scheduler': return runSchedulerCommand(rest);
    case 'version': {
      const v = versionInfo();
      process.stdout.write(`k8ts ${process.env['npm_package_version'] ?? '0.1.0'} (Kubernetes ${v.gitVersion})\n`);
      return 0;
    }
    case undefined: case '-h': case '--help': case 'help':
      process.stdout.write(`${USAGE}\n`);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`k8ts: unknown command "${cmd}"\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exit(code);
}, (err: unknown) => {
  // A failed start leaves listeners and timers behind: exit rather than linger.
  process.stderr.write(`k8ts: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
