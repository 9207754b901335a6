/**
 * `k8ts version`: the k8ts release and the Kubernetes version it serves.
 */
import { versionInfo } from '../apiserver/version.js';
import { parseFlags } from './parse-flags.js';

const HELP = `Usage: k8ts version

Prints the k8ts version and the Kubernetes version it implements.

Flags:
  -h, --help    This help
`;

export function runVersion(argv: string[]): number {
  const { values } = parseFlags({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  process.stdout.write(`k8ts ${process.env['npm_package_version'] ?? '0.1.0'} (Kubernetes ${versionInfo().gitVersion})\n`);
  return 0;
}
