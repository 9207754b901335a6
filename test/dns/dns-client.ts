/** A minimal DNS client for the tests: one query over UDP, several over one TCP connection (dns-packet on the wire). */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type DecodedPacket, type Packet, type RecordType } from 'dns-packet';

let nextId = 1;

export function queryPacket(name: string, type: RecordType, opts: { udpSize?: number } = {}): Packet {
  return {
    type: 'query', id: nextId++ & 0xffff, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }],
    additionals: opts.udpSize ? [{ type: 'OPT', name: '.', udpPayloadSize: opts.udpSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  };
}

export function udpQuery(port: number, name: string, type: RecordType, opts: { udpSize?: number; host?: string; timeoutMs?: number } = {}): Promise<DecodedPacket & { size: number }> {
  const sock = createSocket('udp4');
  const q = queryPacket(name, type, opts);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sock.close(); reject(new Error(`no UDP answer for ${name} ${type}`)); }, opts.timeoutMs ?? 5000);
    sock.on('message', (msg) => {
      clearTimeout(timer);
      sock.close();
      const p = dnsPacket.decode(msg);
      if (p.id !== q.id) reject(new Error('reply id mismatch'));
      resolve(Object.assign(p, { size: msg.length }));
    });
    sock.send(dnsPacket.encode(q), port, opts.host ?? '127.0.0.1');
  });
}

/** Sends all questions at once on one TCP connection and resolves the replies in order. */
export function tcpQueries(port: number, questions: [string, RecordType][], host = '127.0.0.1'): Promise<DecodedPacket[]> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const out: DecodedPacket[] = [];
    let buf = Buffer.alloc(0);
    sock.setTimeout(5000, () => { sock.destroy(); reject(new Error('TCP timeout')); });
    sock.on('error', reject);
    sock.on('connect', () => sock.write(Buffer.concat(questions.map(([n, t]) => dnsPacket.streamEncode(queryPacket(n, t))))));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length === questions.length) { sock.end(); resolve(out); }
    });
  });
}

export const values = (p: Packet): unknown[] => (p.answers ?? []).map((a) => ('data' in a ? a.data : undefined));
export const rcodeOf = (p: DecodedPacket): string => (p as { rcode?: string }).rcode ?? '';
