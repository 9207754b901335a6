/**
 * The `k8ts` command: parses the subcommand and hands over. Wiring only.
 *
 * Exit codes: 0 done, 2 a usage error (one line on stderr that points at
 * --help), 1 anything else (one log line with the message; its stack at
 * debug level, K8TS_LOG_LEVEL=debug).
 */
import { createLogger } from '../api/log.js';
import { UsageError } from './usage-error.js';
import { limitAgentHeap } from './agent-heap.js';

const USAGE = `Usage: k8ts <command> [flags]

Commands:
  server              Run the control plane (API server and store, controllers)
  controller-manager  Run the controllers alone against an API server
  cloud-controller-manager  Run the cloud provider's controllers (LoadBalancer Services, node initialization)
  scheduler           Run the scheduler alone against an API server
  agent               Run a node: its pods in real containers through containerd
  sim                 Run simulated nodes against an API server
  why-pending POD     Explain, node by node, why the scheduler rejects a pod (or how it scores nodes)
  images import FILE  Import image archives into a running node's containerd
  version             Print the version

Run 'k8ts <command> --help' for a command's flags.`;

type Command = (argv: string[]) => number | Promise<number>;

/**
 * Each command's module is loaded only when it runs: `k8ts agent` would
 * otherwise carry the API server, the store and the controllers in its
 * memory (issue 12's RSS target).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  server: async () => (await import('./server.js')).runServer,
  'controller-manager': async () => (await import('./controller-manager.js')).runControllerManager,
  'cloud-controller-manager': async () => (await import('./cloud-controller-manager.js')).runCloudControllerManager,
  scheduler: async () => (await import('./scheduler.js')).runSchedulerCommand,
  agent: async () => {
    limitAgentHeap();
    return (await import('./agent.js')).runAgent;
  },
  sim: async () => (await import('./sim.js')).runSim,
  'why-pending': async () => (await import('./why-pending.js')).runWhyPending,
  images: async () => (await import('./images.js')).runImages,
  version: async () => (await import('./version.js')).runVersion,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    process.stderr.write(`k8ts: missing command (see 'k8ts --help')\n`);
    return 2;
  }
  if (cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!load) {
    const what = cmd.startsWith('-') ? `unknown flag ${cmd}` : `unknown command ${JSON.stringify(cmd)}`;
    process.stderr.write(`k8ts: ${what} (see 'k8ts --help')\n`);
    return 2;
  }
  try {
    const run = await load();
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`k8ts ${cmd}: ${err.message} (see 'k8ts ${cmd} --help')\n`);
      return 2;
    }
    const log = createLogger(`k8ts ${cmd}`);
    log.error(err instanceof Error ? err.message : String(err));
    log.debug({ err }, 'the error above, with its stack');
    return 1;
  }
}

// A failed start leaves listeners and timers behind: exit rather than linger.
void main(process.argv.slice(2)).then((code) => process.exit(code));
