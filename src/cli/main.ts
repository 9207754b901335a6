/**
 * The `k8ts` command: parses the subcommand and hands over. Wiring only.
 *
 * Exit codes: 0 done, 2 a usage error (one line on stderr that points at
 * --help), 1 anything else (one log line with the message; its stack at
 * debug level, K8TS_LOG_LEVEL=debug).
 */
import { createLogger } from '../api/log.js';
import { runServer } from './server.js';
import { runControllerManager } from './controller-manager.js';
import { runSim } from './sim.js';
import { runWhyPending } from './why-pending.js';
import { runSchedulerCommand } from './scheduler.js';
import { runVersion } from './version.js';
import { runImages } from './images.js';
import { runAgent } from './agent.js';
import { UsageError } from './usage-error.js';

const USAGE = `Usage: k8ts <command> [flags]

Commands:
  server              Run the control plane (API server and store, controllers)
  controller-manager  Run the controllers alone against an API server
  scheduler           Run the scheduler alone against an API server
  agent               Run a node: its pods in real containers through containerd
  sim                 Run simulated nodes against an API server
  why-pending POD     Explain, node by node, why the scheduler rejects a pod (or how it scores nodes)
  images import FILE  Import image archives into a running node's containerd
  version             Print the version

Run 'k8ts <command> --help' for a command's flags.`;

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  server: runServer,
  'controller-manager': runControllerManager,
  scheduler: runSchedulerCommand,
  agent: runAgent,
  sim: runSim,
  'why-pending': runWhyPending,
  images: runImages,
  version: runVersion,
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
  const run = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!run) {
    const what = cmd.startsWith('-') ? `unknown flag ${cmd}` : `unknown command ${JSON.stringify(cmd)}`;
    process.stderr.write(`k8ts: ${what} (see 'k8ts --help')\n`);
    return 2;
  }
  try {
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
