/**
 * V8 settings for `k8ts agent` alone (issue 12: an idle node's agent under
 * 80 MB of RSS). The agent allocates little and keeps little, so V8's young
 * generation, which grows from 1 MiB to 16 MiB per semi-space under load,
 * is mostly empty pages held in RSS. `--max-semi-space-size` only counts
 * when given before the heap exists (the command line); the growth factor
 * is read at each scavenge, so setting it to 1 here, before the agent's
 * modules load, keeps the semi-spaces at their initial size. The API
 * server, whose request load benefits from a larger young generation,
 * never calls this.
 */
import { setFlagsFromString } from 'node:v8';

export function limitYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
