/**
 * The test upstream DNS server (test-upstream.ts) as a process of its own,
 * for tests whose own thread blocks (a synchronous kubectl run would stall
 * an in-process server): `node test-upstream-process.js HOST PORT` prints
 * `ready <port>` once listening, then one line per query it sees.
 */
import { startTestUpstream } from './test-upstream.js';

const upstream = await startTestUpstream({ host: process.argv[2] ?? '127.0.0.1', port: Number(process.argv[3] ?? 0) });
process.stdout.write(`ready ${upstream.port}\n`);
let shown = 0;
setInterval(() => {
  while (shown < upstream.seen.length) process.stdout.write(`${upstream.seen[shown++]}\n`);
}, 50);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
