/**
 * TCP connect time, for bench/service-proxy.ts: run inside a pod's network
 * namespace (under nsenter), it opens `count` connections one after
 * another to host:port, times each from connect() to the established
 * socket (the SYN and its SYN-ACK, plus one event-loop turn) and resets it
 * at once (no TIME_WAIT left behind). Prints the samples in ms as one JSON
 * array on stdout; exits 1 with a message on the first failed connect.
 *
 *   node dist/bench/connect-probe.js HOST PORT COUNT
 */
import { connect } from 'node:net';

const [host, portArg, countArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
if (!host || !Number.isInteger(port) || port <= 0 || !Number.isInteger(count) || count <= 0) {
  console.error('usage: connect-probe HOST PORT COUNT');
  process.exit(2);
}

function once(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const s = connect({ host, port, noDelay: true });
    s.setTimeout(3000, () => s.destroy(new Error(`connect to ${host}:${port}: timeout`)));
    s.once('connect', () => {
      const took = performance.now() - started;
      s.resetAndDestroy();
      resolve(took);
    });
    s.once('error', reject);
  });
}

const samples: number[] = [];
try {
  for (let i = 0; i < count; i++) samples.push(await once());
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(samples)}\n`);
