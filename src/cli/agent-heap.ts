/**
 * V8 settings for `k8ts agent` alone (issue 12: an idle node's agent under
 * 80 MB of RSS), set before the agent's modules load. The API server, whose
 * request load needs V8's full speed, never calls this.
 *
 * - `--semi-space-growth-factor=1`: the young generation stays at its
 *   initial 1 MiB semi-spaces instead of growing to 16 MiB under load.
 *   `--max-semi-space-size` only counts on the command line, before the
 *   heap exists; the growth factor is read at each scavenge.
 * - `--no-opt`: no TurboFan. The agent's JavaScript waits on containerd
 *   and the API server; the optimizing compiler's code pages, zone memory
 *   and optimized code cost it 3 to 6 MiB of RSS (bench/agent-rss.ts) for
 *   speed it does not use. Ignition and Sparkplug still run everything.
 *
 * Allocator settings (MALLOC_ARENA_MAX) are read by glibc at process start
 * and cannot be set from here; re-executing the agent to set them would
 * cost a second Node process, more than they save.
 */
import { setFlagsFromString } from 'node:v8';

export const AGENT_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--no-opt'];

export function limitAgentHeap(): void {
  for (const f of AGENT_V8_FLAGS) setFlagsFromString(f);
}
