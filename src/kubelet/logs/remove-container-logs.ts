/**
 * What upstream's removeContainerLog does before RemoveContainer: the
 * rotated files (the log manager's Clean), the live log file and the
 * /var/log/containers symlink.
 */
import { rm } from 'node:fs/promises';
import type { Container } from '../runtime/cri/types.js';
import type { ContainerLogManager } from './container-log-manager.js';

export async function removeContainerLogs(logs: ContainerLogManager, c: Pick<Container, 'id' | 'labels'>): Promise<void> {
  await logs.clean(c.id);
  const log = await logs.logPathOf(c.id);
  if (log) await rm(log, { force: true });
  const link = logs.symlinkOf(c);
  if (link) await rm(link, { force: true });
}
