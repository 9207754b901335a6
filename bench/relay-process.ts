/**
 * One relay hop as its own process, for the port-forward floors: listens
 * on loopback (TLS when given a certificate), and relays every connection
 * to a target (over TLS when given a CA), bytes only. Prints its port on
 * stdout once listening; exits when stdin closes.
 *
 *   node dist/bench/relay-process.js '<json RelayProcessOptions>'
 */
import { createServer as createNetServer, connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';

export interface RelayProcessOptions {
  target: { host: string; port: number };
  /** Serve TLS with this certificate and key (PEM). */
  serve?: { cert: string; key: string };
  /** Dial the target over TLS, verifying it with this CA as this name. */
  dial?: { ca: string; servername: string };
}

const o = JSON.parse(process.argv[2] ?? '{}') as RelayProcessOptions;
const relay = (client: Socket): void => {
  const backend: Duplex = o.dial ? tlsConnect({ ...o.target, ca: o.dial.ca, servername: o.dial.servername }) : netConnect(o.target);
  for (const s of [client, backend]) s.on('error', () => { client.destroy(); backend.destroy(); });
  client.pipe(backend);
  backend.pipe(client);
};
const server = o.serve ? createTlsServer(o.serve, relay) : createNetServer(relay);
server.listen(0, '127.0.0.1', () => { process.stdout.write(`${(server.address() as AddressInfo).port}\n`); });
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
