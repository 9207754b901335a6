/**
 * The grpc probe (upstream's pkg/probe/grpc): grpc.health.v1.Health/Check
 * with the probe's service name over plaintext; SERVING passes, any other
 * status fails, as do a connection or a call not done within the timeout.
 * The two messages are one field each, so they are coded by hand.
 */
import * as grpc from '@grpc/grpc-js';
import { joinHostPort, type ProbeOutcome } from './outcome.js';

const STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** HealthCheckRequest { string service = 1; } */
export function encodeHealthCheckRequest(service: string): Buffer {
  const s = Buffer.from(service, 'utf8');
  if (s.length === 0) return Buffer.alloc(0);
  const len: number[] = [];
  for (let n = s.length; ; n >>>= 7) {
    if (n < 0x80) { len.push(n); break; }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), s]);
}

/** HealthCheckResponse { ServingStatus status = 1; }: the status name. */
export function decodeHealthCheckResponse(b: Buffer): string {
  let status = 0;
  for (let i = 0; i < b.length;) {
    const tag = b[i++];
    let v = 0;
    let shift = 0;
    if ((tag & 7) === 0) {
      for (;;) {
        const byte = b[i++];
        v += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if (!(byte & 0x80) || i >= b.length) break;
      }
      if (tag >> 3 === 1) status = v;
    } else if ((tag & 7) === 2) {
      let n = 0;
      for (;;) {
        const byte = b[i++];
        n += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if (!(byte & 0x80) || i >= b.length) break;
      }
      i += n;
    } else {
      break;
    }
  }
  return STATUS[status] ?? String(status);
}

export function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const client = new grpc.Client(addr, grpc.credentials.createInsecure());
  const deadline = Date.now() + timeoutSeconds * 1000;
  const within = `${timeoutSeconds}s`;
  return new Promise<ProbeOutcome>((resolve) => {
    client.waitForReady(deadline, (err) => {
      if (err) {
        resolve({ result: 'Failure', output: `timeout: failed to connect service ${JSON.stringify(addr)} within ${within}: ${err.message}` });
        return;
      }
      client.makeUnaryRequest('/grpc.health.v1.Health/Check', (s: string) => encodeHealthCheckRequest(s), (b: Buffer) => decodeHealthCheckResponse(b),
        service, new grpc.Metadata(), { deadline }, (e, status) => {
          if (e) {
            if (e.code === grpc.status.UNIMPLEMENTED) resolve({ result: 'Failure', output: `this server does not implement the grpc health protocol (grpc.health.v1.Health): ${e.details}` });
            else if (e.code === grpc.status.DEADLINE_EXCEEDED) resolve({ result: 'Failure', output: `timeout: health rpc did not complete within ${within}` });
            else resolve({ result: 'Failure', output: `rpc error: code = ${grpc.status[e.code] ?? e.code} desc = ${e.details}` });
          } else if (status !== 'SERVING') {
            resolve({ result: 'Failure', output: `service unhealthy (responded with ${JSON.stringify(status)})` });
          } else {
            resolve({ result: 'Success', output: '' });
          }
        });
    });
  }).finally(() => client.close());
}
