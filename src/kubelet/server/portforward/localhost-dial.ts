/**
 * Port-forward's dial: localhost:port in the current network namespace, as
 * IPv4 and then IPv6 (containerd's PortForward), with both reasons in the
 * error when neither answers.
 */
import { connect, type Socket } from 'node:net';

/**
 * A connected socket, paused before it connected so that nothing is read
 * from it here: bytes the server sends at once (a banner) stay for whoever
 * reads it next, even in another process.
 */
export async function dialLocalhost(port: number): Promise<Socket> {
  try {
    return await dial('127.0.0.1', port);
  } catch (e4) {
    try {
      return await dial('::1', port);
    } catch (e6) {
      throw new Error(`failed to connect to localhost:${port}, IPv4: ${reason(e4, 'tcp4', '127.0.0.1:', port)} IPv6: ${reason(e6, 'tcp6', '[::1]:', port)}`);
    }
  }
}

function dial(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.pause();
    s.once('connect', () => { s.removeAllListeners('error'); resolve(s); });
    s.once('error', reject);
  });
}

function reason(e: unknown, network: string, host: string, port: number): string {
  const code = (e as NodeJS.ErrnoException).code;
  const text = code === 'ECONNREFUSED' ? 'connection refused' : code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : code ?? String(e);
  return `dial ${network} ${host}${port}: connect: ${text}`;
}
