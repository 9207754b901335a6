/**
 * The cache of forwarded answers, as CoreDNS's `cache 30`: positive and
 * negative answers kept for their TTL clamped to [5 s, 30 s]
 * (plugin/cache/README.md: max TTL 30 as given, MINTTL default 5), TTLs
 * counted down when served, SERVFAIL never stored.
 */
import type { Answer } from 'dns-packet';

export interface CachedAnswer {
  rcode: string;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

interface Entry { value: CachedAnswer; storedAt: number; expiresAt: number }

export interface AnswerCacheOptions {
  maxTtlSeconds: number;
  minTtlSeconds: number;
  /** Entries kept; the oldest go first. CoreDNS's default capacity is 9984. */
  capacity: number;
  now?: () => number;
}

const ttlOf = (a: Answer): number => ('ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0);

/** RFC 2308 §5: a negative answer lives min(SOA TTL, SOA minimum); a positive one its smallest TTL. */
function answerTtl(v: CachedAnswer): number | undefined {
  if (v.rcode === 'NXDOMAIN' || (v.rcode === 'NOERROR' && v.answers.length === 0)) {
    const soa = v.authorities.find((a) => a.type === 'SOA');
    return soa && soa.type === 'SOA' ? Math.min(ttlOf(soa), soa.data.minimum ?? 0) : 0;
  }
  if (v.rcode !== 'NOERROR') return undefined;
  const ttls = [...v.answers, ...v.authorities].filter((a) => a.type !== 'OPT').map(ttlOf);
  return ttls.length ? Math.min(...ttls) : undefined;
}

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly opts: AnswerCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number { return this.entries.size; }

  /** Stores an upstream answer under `key` unless it is an error other than NXDOMAIN. */
  put(key: string, value: CachedAnswer): void {
    const ttl = answerTtl(value);
    if (ttl === undefined) return;
    const seconds = Math.max(this.opts.minTtlSeconds, Math.min(this.opts.maxTtlSeconds, ttl));
    const at = this.now();
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: at, expiresAt: at + seconds * 1000 });
    if (this.entries.size > this.opts.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The answer under `key` with every TTL reduced by its age, or undefined when absent or expired. */
  get(key: string): CachedAnswer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const at = this.now();
    if (at >= e.expiresAt) { this.entries.delete(key); return undefined; }
    const age = Math.floor((at - e.storedAt) / 1000);
    const left = Math.ceil((e.expiresAt - at) / 1000);
    const age1 = (a: Answer): Answer => (a.type === 'OPT' ? a : { ...a, ttl: Math.max(0, Math.min(ttlOf(a) - age, left)) } as Answer);
    return { rcode: e.value.rcode, answers: e.value.answers.map(age1), authorities: e.value.authorities.map(age1), additionals: e.value.additionals.map(age1) };
  }
}
