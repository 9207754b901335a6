/**
 * One HTTP/1.1 request written by hand over TLS, for upgrade tests: the
 * answer's head, and its body unless it is a 101 (then the socket is the
 * upgraded connection, handed to the caller).
 */
import { connect, type TLSSocket } from 'node:tls';

export interface Answer { status: number; head: string; body: string; socket: TLSSocket }

/** Sends `method path` with `headers` over a fresh TLS connection; resolves with the answer's head (and body unless 101). */
export function rawRequest(host: string, port: number, ca: string, servername: string, method: string, path: string, headers: Record<string, string>, client?: { certPem: string; keyPem: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ca, servername, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) }, () => {
      let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      socket.write(`${head}\r\n`);
    });
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      const status = Number(head.split(' ')[1]);
      if (status === 101) {
        socket.off('data', onData);
        if (end + 4 < buf.length) socket.unshift(buf.subarray(end + 4));
        resolve({ status, head, body: '', socket });
        return;
      }
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length >= end + 4 + length) {
        socket.off('data', onData);
        resolve({ status, head, body: buf.subarray(end + 4, end + 4 + length).toString(), socket });
        socket.destroy();
      }
    };
    socket.on('data', onData).on('error', reject);
  });
}

