/**
 * The tcpSocket probe (upstream's pkg/probe/tcp): a connection opened
 * within the timeout passes (and is closed at once); otherwise it fails
 * with Go's dial error text.
 */
import net from 'node:net';
import { joinHostPort, type ProbeOutcome } from './outcome.js';

export function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  const target = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => finish({ result: 'Failure', output: `dial tcp ${target}: i/o timeout` }), timeoutSeconds * 1000);
    function finish(o: ProbeOutcome): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    }
    socket.once('connect', () => finish({ result: 'Success', output: '' }));
    socket.once('error', (e: NodeJS.ErrnoException) => finish({
      result: 'Failure',
      output: e.code === 'ECONNREFUSED' ? `dial tcp ${target}: connect: connection refused` : `dial tcp ${target}: ${e.message}`,
    }));
  });
}
