/**
 * `k8ts images import FILE...`: imports image archives into a running
 * node's containerd, in the CRI's namespace, through containerd's gRPC API
 * (no ctr). Wiring only: the work is src/kubelet's importImageArchives.
 */
import { existsSync } from 'node:fs';
import { createLogger } from '../api/log.js';
import { ContainerdClient, connectCri, importImageArchives, nodePaths, socketPathOf, waitForRuntime } from '../kubelet/index.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

const DEFAULT_ADDRESS = nodePaths('/var/lib/k8ts').containerdSocket;

const HELP = `Usage: k8ts images import [flags] FILE...

Imports image archives (OCI layout or docker save, .tar or .tar.gz) into the
containerd of a running k8ts node, where pods can use them at once. To have
a node import archives when it starts, put them in <data-dir>/agent/images/.

Flags:
  -a, --address SOCKET   containerd's socket, or unix:///path (default ${DEFAULT_ADDRESS})
  -h, --help             This help
`;

const USAGE = `Usage: k8ts images <subcommand>

Subcommands:
  import FILE...   Import image archives into a node's containerd
`;

export async function runImages(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '-h' || sub === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (sub === undefined) throw new UsageError('missing subcommand (import)');
  if (sub !== 'import') throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (want import)`);
  return runImport(rest);
}

async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv, allowPositionals: true, strict: true,
    options: {
      address: { type: 'string', short: 'a' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('missing FILE: name the archives to import');
  let socket: string;
  try {
    socket = socketPathOf(values.address ?? DEFAULT_ADDRESS);
  } catch (err) {
    throw new UsageError(`flag --address: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const f of positionals) {
    if (!existsSync(f)) throw new Error(`${f}: no such file`);
  }
  if (!existsSync(socket)) throw new Error(`no containerd at ${socket}: is the k8ts node running? (archives in <data-dir>/agent/images/ are imported when it starts)`);
  const cri = connectCri(socket, { requestTimeoutMs: 30_000 });
  try {
    await waitForRuntime(cri.runtime, { timeoutMs: 10_000 });
    const imported = await importImageArchives(new ContainerdClient(cri.connection), positionals, {
      cri: cri.images, log: createLogger('k8ts images', { level: process.env['K8TS_LOG_LEVEL'] ?? 'warn' }),
    });
    for (const i of imported) process.stdout.write(`${i.name} ${i.target.digest} (from ${i.source})\n`);
  } finally {
    cri.close();
  }
  return 0;
}
