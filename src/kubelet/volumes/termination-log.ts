/**
 * The file a container writes its termination message to (upstream's
 * generateContainerConfig in kuberuntime_container.go): a new
 * `<podDir>/containers/<name>/<8 hex>` per container instance, mode 0666,
 * mounted at terminationMessagePath. Reading it back is the status side's.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export function createTerminationLogFile(podDirPath: string, containerName: string): string {
  const dir = join(podDirPath, 'containers', containerName);
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  const file = join(dir, randomBytes(4).toString('hex'));
  closeSync(openSync(file, 'w'));
  chmodSync(file, 0o666);
  return file;
}
