/**
 * The cluster DNS server on UDP and TCP: decodes a query, answers cluster
 * names from ClusterRecords and forwards the rest, encodes the reply.
 *
 * - UDP replies larger than 512 bytes, or than the EDNS0 size the client
 *   advertised, go out with TC set and no records, so the client asks again
 *   over TCP (RFC 1035 §4.2.1, RFC 6891 §6.2.5).
 * - TCP: 2-byte length framing, any number of queries per connection, the
 *   replies in order, the connection closed after an idle timeout (RFC 7766).
 * - Encoded in-zone answers are cached per (name as asked, type, flags) until
 *   the records change, so a repeated question costs one Map lookup.
 * - Address records come in turn-by-turn order, as with CoreDNS's
 *   `loadbalance` in kubeadm's Corefile: each reply of a multi-address name
 *   starts at another record, so clients that take the first one spread.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer } from 'dns-packet';
import type { Logger } from '../api/log.js';
import type { ClusterRecords } from './cluster-records.js';
import type { Forwarder } from './forwarder.js';
import { inZone, isReverseName, normalizeName } from './names.js';
import { answerReverseQuestion, answerZoneQuestion, type ZoneConfig } from './zone-answer.js';

export interface DnsServerOptions {
  records: ClusterRecords;
  zone: ZoneConfig;
  forwarder: Forwarder;
  /** False until the informers have synced: answers that would be NXDOMAIN are SERVFAIL then (CoreDNS). */
  synced: () => boolean;
  log: Logger;
  /** Close a TCP connection idle this long. @default 10000 */
  tcpIdleTimeoutMs?: number;
}

export interface ListenAddress { host: string; port: number }

const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
/** The largest UDP reply without EDNS0 (RFC 1035 §2.3.4). */
const CLASSIC_UDP_SIZE = 512;
/** The EDNS0 payload size this server advertises. */
const OUR_UDP_SIZE = 1232;
/** Depth of CNAME chains followed inside the zone. */
const MAX_CHASE = 8;
/** Rotations of a cached multi-address reply that are kept (and served in turn). */
const MAX_ROTATIONS = 8;
/** Entries in the encoded-answer cache before it is cleared. */
const ENCODED_CACHE_MAX = 50_000;

interface Reply {
  rcode: string;
  aa: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

function optOf(q: DecodedPacket): OptAnswer | undefined {
  for (const a of q.additionals ?? []) if (a.type === 'OPT') return a as OptAnswer;
  return undefined;
}

/** Builds the reply bytes: the query's id, question, RD and CD; RA always; EDNS0 OPT when the query had one. */
function encodeReply(q: DecodedPacket, r: Reply, opt: OptAnswer | undefined): Buffer {
  const flags = (q.flags ?? 0) & (dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED | 0x7800)
    | dnsPacket.RECURSION_AVAILABLE | (r.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | (RCODES[r.rcode] ?? 2);
  const additionals = opt
    ? [...r.additionals, { type: 'OPT', name: '.', udpPayloadSize: OUR_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: opt.flags & dnsPacket.DNSSEC_OK, flag_do: opt.flag_do, options: [] } as OptAnswer]
    : r.additionals;
  return dnsPacket.encode({ type: 'response', id: q.id, flags, questions: q.questions, answers: r.answers, authorities: r.authorities, additionals });
}

/** `answers` with the A/AAAA records rotated left by `by`; other records keep their places (a CNAME stays first). */
function rotateAddresses(answers: Answer[], by: number): Answer[] {
  const at = answers.flatMap((a, i) => (a.type === 'A' || a.type === 'AAAA' ? [i] : []));
  if (at.length < 2 || by % at.length === 0) return answers;
  const out = [...answers];
  at.forEach((pos, j) => { out[pos] = answers[at[(j + by) % at.length]!]!; });
  return out;
}

const addressCount = (answers: Answer[]): number => answers.reduce((n, a) => n + (a.type === 'A' || a.type === 'AAAA' ? 1 : 0), 0);

/** The same reply with TC set and its sections emptied (the OPT record kept). */
function truncated(reply: Buffer): Buffer {
  const p = dnsPacket.decode(reply);
  const opt = optOf(p);
  return dnsPacket.encode({ type: 'response', id: p.id, flags: (p.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, questions: p.questions, answers: [], authorities: [], additionals: opt ? [opt] : [] });
}

/** A header-only reply for a query that could not be decoded. */
function headerReply(msg: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  msg.copy(out, 0, 0, 2);
  out.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x7900) | 0x80 | rcode, 2);
  return out;
}

/**
 * The cache key of a plain query read from its bytes: the flags that shape
 * the reply (opcode, RD, CD), the question as sent (case kept: the reply
 * echoes it), and whether an EDNS0 OPT record with DO came along; with the
 * advertised UDP size. Undefined for anything else (several questions, other
 * records, compression in the question), which then takes the full path.
 */
export function questionKey(msg: Buffer): { key: string; udpSize: number | undefined } | undefined {
  if (msg.length < 17 || (msg[2]! & 0x80) || msg[4] !== 0 || msg[5] !== 1 || msg[6] !== 0 || msg[7] !== 0 || msg[8] !== 0 || msg[9] !== 0) return undefined;
  const arcount = (msg[10]! << 8) | msg[11]!;
  if (arcount > 1) return undefined;
  let i = 12;
  for (;;) {
    const len = msg[i];
    if (len === undefined || len > 63) return undefined;
    i += len + 1;
    if (len === 0) break;
  }
  const qend = i + 4;
  if (qend > msg.length) return undefined;
  const flags = ((msg[2]! & 0x79) << 8) | (msg[3]! & 0x10);
  if (arcount === 0) return qend === msg.length ? { key: `${flags}|0|${msg.toString('latin1', 12, qend)}`, udpSize: undefined } : undefined;
  // The one additional record must be an OPT at the root: 0, type 41, class = UDP size, TTL with the DO bit.
  if (qend + 11 > msg.length || msg[qend] !== 0 || msg[qend + 1] !== 0 || msg[qend + 2] !== 41) return undefined;
  const udpSize = (msg[qend + 3]! << 8) | msg[qend + 4]!;
  const dnssecOk = (msg[qend + 7]! & 0x80) !== 0;
  return { key: `${flags}|${dnssecOk ? 2 : 1}|${msg.toString('latin1', 12, qend)}`, udpSize };
}

export class DnsServer {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<TcpSocket>();
  private readonly encoded = new Map<string, { variants: Buffer[]; next: number }>();
  private encodedGen = -1;

  constructor(private readonly opts: DnsServerOptions) {}

  /** Binds UDP and TCP on `listen`; with port 0 the TCP port is the UDP one. Resolves the bound port. */
  async listen(listen: ListenAddress): Promise<number> {
    const udp = createSocket({ type: isIP(listen.host) === 6 ? 'udp6' : 'udp4' });
    this.udp = udp;
    await new Promise<void>((resolve, reject) => {
      udp.once('error', (e) => reject(new Error(`cannot listen on UDP ${listen.host}:${listen.port} for DNS: ${e.message}`)));
      udp.bind(listen.port, listen.host, () => { udp.removeAllListeners('error'); resolve(); });
    });
    udp.on('error', (e) => this.opts.log.warn({ err: e.message }, 'DNS UDP socket error'));
    udp.on('message', (msg, rinfo) => {
      const sync = this.answerFastSafely(msg, 'udp');
      if (sync) { udp.send(sync, rinfo.port, rinfo.address); return; }
      void this.handleSafely(msg, 'udp').then((reply) => { if (reply) udp.send(reply, rinfo.port, rinfo.address); });
    });
    const port = udp.address().port;
    const tcp = createServer((c) => this.serveTcp(c));
    this.tcp = tcp;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, listen.host, () => { tcp.off('error', reject); resolve(); });
      });
    } catch (e) {
      udp.close();
      this.udp = undefined;
      this.tcp = undefined;
      throw new Error(`cannot listen on TCP ${listen.host}:${port} for DNS: ${(e as Error).message}`);
    }
    return port;
  }

  async close(): Promise<void> {
    this.udp?.close();
    for (const c of this.conns) c.destroy();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  private serveTcp(c: TcpSocket): void {
    this.conns.add(c);
    c.setNoDelay(true);
    c.setTimeout(this.opts.tcpIdleTimeoutMs ?? 10_000, () => c.destroy());
    c.on('close', () => this.conns.delete(c));
    c.on('error', () => c.destroy());
    let buf: Buffer = Buffer.alloc(0);
    let chain = Promise.resolve();
    c.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        // Replies keep the order of the queries on this connection.
        const fast = this.answerFastSafely(msg, 'tcp');
        const reply = fast ? Promise.resolve(fast) : this.handleSafely(msg, 'tcp');
        chain = chain.then(() => reply).then((r) => {
          if (!r || c.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(r.length);
          c.write(Buffer.concat([len, r]));
        });
      }
    });
  }

  /** answerFast, with a failure logged as no fast answer: a socket handler must not throw. */
  private answerFastSafely(msg: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    try { return this.answerFast(msg, transport); } catch (e) {
      this.opts.log.warn({ err: (e as Error).message }, 'DNS fast path failed');
      return undefined;
    }
  }

  /** handle, never rejecting: a failure is logged and the query gets no reply (the client retries). */
  private handleSafely(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    return this.handle(msg, transport).catch((e: Error) => {
      this.opts.log.warn({ err: e.message }, 'DNS query failed');
      return undefined;
    });
  }

  /**
   * The reply from the encoded-answer cache, or undefined when the query must
   * go through handle(). Reads the header and question straight from the
   * bytes (no decode): this is the path every repeated cluster name takes.
   */
  private answerFast(msg: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    if (this.encodedGen !== this.opts.records.generation) return undefined;
    const k = questionKey(msg);
    if (!k) return undefined;
    const entry = this.encoded.get(k.key);
    if (!entry) return undefined;
    const hit = entry.variants[entry.next++ % entry.variants.length]!;
    const out = Buffer.allocUnsafe(hit.length);
    hit.copy(out);
    out[0] = msg[0]!;
    out[1] = msg[1]!;
    if (transport === 'udp' && out.length > Math.max(CLASSIC_UDP_SIZE, k.udpSize ?? CLASSIC_UDP_SIZE)) return truncated(out);
    return out;
  }

  private fit(reply: Buffer, q: DecodedPacket, transport: 'udp' | 'tcp'): Buffer {
    if (transport === 'tcp') return reply;
    const opt = optOf(q);
    const max = Math.max(CLASSIC_UDP_SIZE, opt?.udpPayloadSize ?? CLASSIC_UDP_SIZE);
    return reply.length > max ? truncated(reply) : reply;
  }

  /** The reply to one query message; undefined when it deserves none (not a query, shorter than a header). */
  async handle(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    if (msg.length < 12 || (msg[2]! & 0x80)) return undefined;
    let q: DecodedPacket;
    try { q = dnsPacket.decode(msg); } catch { return headerReply(msg, RCODES['FORMERR']!); }
    if ((q as { opcode?: string }).opcode !== 'QUERY') return headerReply(msg, RCODES['NOTIMP']!);
    if (q.questions?.length !== 1) return headerReply(msg, RCODES['FORMERR']!);
    const opt = optOf(q);
    const question = q.questions[0]!;
    const name = normalizeName(question.name);
    const { records, zone } = this.opts;
    const gen = records.generation;
    let reply: Reply | undefined;
    let cacheable = false;
    if (inZone(name, zone.zone)) {
      const a = await this.zoneAnswer(question.name, name, question.type, 0);
      reply = { rcode: a.rcode, aa: a.aa, answers: a.answers, authorities: a.authorities, additionals: a.additionals };
      cacheable = !a.chased && a.rcode !== 'SERVFAIL';
    } else if (isReverseName(name)) {
      const a = answerReverseQuestion(records, zone, question.name, name, question.type);
      if (a) { reply = { ...a, aa: true }; cacheable = true; }
    }
    if (!reply) {
      const a = await this.opts.forwarder.resolve({ name: name, type: question.type, class: question.class }, opt?.flag_do ?? false);
      reply = { ...a, aa: false };
    }
    const addresses = addressCount(reply.answers);
    const k = cacheable && gen === records.generation ? questionKey(msg) : undefined;
    let variants: Buffer[];
    try {
      if (k) {
        const rotations = Math.max(1, Math.min(addresses, MAX_ROTATIONS));
        variants = Array.from({ length: rotations }, (_, by) => encodeReply(q, { ...reply, answers: rotateAddresses(reply.answers, by) }, opt));
      } else {
        variants = [encodeReply(q, { ...reply, answers: rotateAddresses(reply.answers, Math.floor(Math.random() * Math.max(1, addresses))) }, opt)];
      }
    } catch (e) {
      // An upstream record dns-packet cannot re-encode: the client gets SERVFAIL rather than silence.
      this.opts.log.debug({ name: question.name, type: question.type, err: (e as Error).message }, 'cannot encode the reply');
      return headerReply(msg, RCODES['SERVFAIL']!);
    }
    if (k) {
      if (this.encodedGen !== gen || this.encoded.size >= ENCODED_CACHE_MAX) { this.encoded.clear(); this.encodedGen = gen; }
      this.encoded.set(k.key, { variants, next: 1 });
    }
    return this.fit(variants[0]!, q, transport);
  }

  private async zoneAnswer(qname: string, name: string, qtype: string, depth: number): Promise<Reply & { chased: boolean }> {
    const { records, zone, synced } = this.opts;
    const a = answerZoneQuestion(records, zone, qname, name, qtype);
    if (a.rcode === 'NXDOMAIN' && !synced()) return { rcode: 'SERVFAIL', aa: false, answers: [], authorities: [], additionals: [], chased: false };
    const reply = { rcode: a.rcode, aa: true, answers: a.answers, authorities: a.authorities, additionals: a.additionals, chased: false };
    if (!a.chase || depth >= MAX_CHASE) return reply;
    // ExternalName: the target's records follow the CNAME, from the zone or upstream (CoreDNS resolves it through its upstream).
    reply.chased = true;
    if (inZone(a.chase, zone.zone)) {
      const t = await this.zoneAnswer(a.chase, a.chase, qtype, depth + 1);
      if (t.rcode === 'NOERROR') reply.answers = [...reply.answers, ...t.answers];
    } else {
      const t = await this.opts.forwarder.resolve({ name: a.chase, type: qtype as 'A', class: 'IN' });
      if (t.rcode === 'NOERROR') reply.answers = [...reply.answers, ...t.answers];
    }
    return reply;
  }
}
