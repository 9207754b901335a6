/**
 * Forwarding to upstream nameservers with a cache, as CoreDNS's `forward`
 * and `cache 30` plugins: each server is tried in turn with a timeout, a
 * truncated UDP answer is asked again over TCP, concurrent identical
 * questions share one upstream query, and when every server fails the
 * answer is SERVFAIL.
 */
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { isIP } from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket, { type DecodedPacket, type Question } from 'dns-packet';
import type { Logger } from '../api/log.js';
import { AnswerCache, type CachedAnswer } from './answer-cache.js';
import type { Upstream } from './upstreams.js';

export interface ForwarderOptions {
  upstreams: Upstream[];
  /** Per server attempt. @default 2000 */
  timeoutMs?: number;
  log?: Logger;
  cache?: AnswerCache;
}

/** EDNS0 payload size offered upstream (DNS flag day 2020's recommendation). */
const UPSTREAM_UDP_SIZE = 1232;

const SERVFAIL: CachedAnswer = { rcode: 'SERVFAIL', answers: [], authorities: [], additionals: [] };

export class Forwarder {
  private readonly sockets = new Map<4 | 6, Socket>();
  private readonly pending = new Map<number, (reply: DecodedPacket) => void>();
  private readonly inflight = new Map<string, Promise<CachedAnswer>>();
  private readonly timeoutMs: number;
  readonly cache: AnswerCache;
  /** How many queries went upstream (for tests and metrics). */
  upstreamQueries = 0;

  constructor(private readonly opts: ForwarderOptions) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.cache = opts.cache ?? new AnswerCache({ maxTtlSeconds: 30, minTtlSeconds: 5, capacity: 9984 });
  }

  get upstreams(): readonly Upstream[] { return this.opts.upstreams; }

  /** The answer for one question: from the cache, else upstream (SERVFAIL when no server answers). */
  resolve(q: Question, dnssecOk = false): Promise<CachedAnswer> {
    const key = `${q.name.toLowerCase().replace(/\.$/, '')}|${q.type}|${q.class ?? 'IN'}|${dnssecOk ? 1 : 0}`;
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.ask(q, dnssecOk).then((a) => { this.cache.put(key, a); return a; }).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    for (const [id, done] of this.pending) { this.pending.delete(id); done(undefined as unknown as DecodedPacket); }
  }

  private async ask(q: Question, dnssecOk: boolean): Promise<CachedAnswer> {
    for (const server of this.opts.upstreams) {
      try {
        let reply = await this.askUdp(server, q, dnssecOk);
        if (reply.flag_tc) reply = await this.askTcp(server, q, dnssecOk);
        const rcode = (reply as { rcode?: string }).rcode ?? 'NOERROR';
        // SERVFAIL and REFUSED: try the next server, as forward does on a bad reply.
        if (rcode === 'SERVFAIL' || rcode === 'REFUSED') continue;
        return {
          rcode,
          answers: reply.answers ?? [],
          authorities: reply.authorities ?? [],
          additionals: (reply.additionals ?? []).filter((a) => a.type !== 'OPT'),
        };
      } catch (e) {
        this.opts.log?.debug({ upstream: `${server.host}:${server.port}`, name: q.name, err: (e as Error).message }, 'upstream query failed');
      }
    }
    if (this.opts.upstreams.length === 0) this.opts.log?.debug({ name: q.name }, 'no upstream nameservers');
    return SERVFAIL;
  }

  private query(id: number, q: Question, dnssecOk: boolean): Buffer {
    return dnsPacket.encode({
      type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [q],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: UPSTREAM_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: dnssecOk ? dnsPacket.DNSSEC_OK : 0, flag_do: dnssecOk, options: [] }],
    });
  }

  private socket(fam: 4 | 6): Socket {
    let s = this.sockets.get(fam);
    if (s) return s;
    s = createSocket(fam === 4 ? 'udp4' : 'udp6');
    s.on('message', (msg) => {
      if (msg.length < 12) return;
      const done = this.pending.get(msg.readUInt16BE(0));
      if (!done) return;
      try { done(dnsPacket.decode(msg)); } catch { /* a malformed reply: the attempt times out */ }
    });
    s.on('error', (e) => this.opts.log?.warn({ err: e.message }, 'upstream UDP socket error'));
    s.unref();
    this.sockets.set(fam, s);
    return s;
  }

  private freeId(): number {
    for (;;) {
      const id = randomInt(0, 65536);
      if (!this.pending.has(id)) return id;
    }
  }

  private askUdp(server: Upstream, q: Question, dnssecOk: boolean): Promise<DecodedPacket> {
    this.upstreamQueries++;
    const id = this.freeId();
    const sock = this.socket(isIP(server.host) === 6 ? 6 : 4);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`no answer in ${this.timeoutMs} ms`)); }, this.timeoutMs);
      this.pending.set(id, (reply) => {
        // A reply must echo the question (RFC 5452 §9.1); anything else is ignored and the wait goes on.
        const rq = reply?.questions?.[0];
        if (reply && (!rq || rq.name.toLowerCase() !== q.name.toLowerCase() || rq.type !== q.type)) return;
        clearTimeout(timer);
        this.pending.delete(id);
        if (reply) resolve(reply); else reject(new Error('forwarder closed'));
      });
      sock.send(this.query(id, q, dnssecOk), server.port, server.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  private askTcp(server: Upstream, q: Question, dnssecOk: boolean): Promise<DecodedPacket> {
    this.upstreamQueries++;
    const id = this.freeId();
    return new Promise((resolve, reject) => {
      const sock = connect({ host: server.host, port: server.port });
      let buf = Buffer.alloc(0);
      const fail = (e: Error): void => { sock.destroy(); reject(e); };
      sock.setTimeout(this.timeoutMs, () => fail(new Error(`no TCP answer in ${this.timeoutMs} ms`)));
      sock.on('error', fail);
      sock.on('connect', () => sock.write(dnsPacket.streamEncode({
        type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [q],
        additionals: dnssecOk ? [{ type: 'OPT', name: '.', udpPayloadSize: UPSTREAM_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] }] : [],
      })));
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
        sock.destroy();
        try { resolve(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0)))); } catch (e) { reject(e as Error); }
      });
      sock.on('end', () => fail(new Error('upstream closed the TCP connection')));
    });
  }
}
