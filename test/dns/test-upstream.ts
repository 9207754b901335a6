/**
 * A tiny authoritative DNS server for `example.test` on loopback, standing in
 * for the host's nameserver: counts the queries it gets, answers
 * `<x>.example.test` A 192.0.2.1 (TTL 60), NXDOMAIN with an SOA (minimum 60)
 * for `missing.example.test`, 100 A records (TC over UDP) for `big.example.test`.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket } from 'dns-packet';

export interface TestUpstream {
  port: number;
  /** Queries seen, as `name type transport`. */
  seen: string[];
  close(): Promise<void>;
}

function answer(q: DecodedPacket, udp: boolean): Buffer {
  const question = q.questions![0]!;
  const name = question.name.toLowerCase();
  const soa: Answer = { name: 'example.test', type: 'SOA', ttl: 60, data: { mname: 'ns.example.test', rname: 'hostmaster.example.test', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } };
  let answers: Answer[] = [];
  let rcode = 0;
  if (name === 'missing.example.test') rcode = 3;
  else if (name === 'big.example.test' && question.type === 'A') answers = Array.from({ length: 100 }, (_, i) => ({ name: question.name, type: 'A' as const, ttl: 60, data: `192.0.2.${i + 1}` }));
  else if (name.endsWith('.example.test') && question.type === 'A') answers = [{ name: question.name, type: 'A', ttl: 60, data: '192.0.2.1' }];
  let out = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | rcode, questions: q.questions, answers, authorities: answers.length ? [] : [soa] });
  if (udp && out.length > 512) out = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.TRUNCATED_RESPONSE, questions: q.questions });
  return out;
}

/** Listens on `bind` (UDP and TCP on the same port; port 0: a free one). */
export async function startTestUpstream(bind: { host: string; port: number } = { host: '127.0.0.1', port: 0 }): Promise<TestUpstream> {
  const seen: string[] = [];
  const udp = createSocket('udp4');
  udp.on('message', (msg, r) => {
    const q = dnsPacket.decode(msg);
    seen.push(`${q.questions![0]!.name} ${q.questions![0]!.type} udp`);
    udp.send(answer(q, true), r.port, r.address);
  });
  await new Promise<void>((resolve) => udp.bind(bind.port, bind.host, resolve));
  const port = udp.address().port;
  const tcp = createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('error', () => c.destroy());
    c.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const q = dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        seen.push(`${q.questions![0]!.name} ${q.questions![0]!.type} tcp`);
        const a = answer(q, false);
        const len = Buffer.alloc(2);
        len.writeUInt16BE(a.length);
        c.write(Buffer.concat([len, a]));
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(port, bind.host, resolve));
  return {
    port, seen,
    close: async () => { udp.close(); await new Promise<void>((r) => tcp.close(() => r())); },
  };
}
