/** The forwarder's cache: TTLs clamped to [5 s, 30 s], negative answers by their SOA, counted down when served, SERVFAIL not kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Answer } from 'dns-packet';
import { AnswerCache } from '../../src/dns/answer-cache.js';

const a = (ttl: number): Answer => ({ name: 'x.example', type: 'A', class: 'IN', ttl, data: '192.0.2.1' });
const soa = (ttl: number, minimum: number): Answer => ({ name: 'example', type: 'SOA', class: 'IN', ttl, data: { mname: 'ns', rname: 'h', serial: 1, refresh: 1, retry: 1, expire: 1, minimum } });

test('positive answers live min(TTL, 30 s), at least 5 s, with TTLs counted down', () => {
  let now = 0;
  const c = new AnswerCache({ maxTtlSeconds: 30, minTtlSeconds: 5, capacity: 10, now: () => now });
  c.put('long', { rcode: 'NOERROR', answers: [a(300)], authorities: [], additionals: [] });
  c.put('short', { rcode: 'NOERROR', answers: [a(1)], authorities: [], additionals: [] });
  now = 4_000;
  assert.equal((c.get('short')!.answers[0] as { ttl: number }).ttl, 0, 'kept for the 5 s minimum, its TTL run out');
  now = 5_000;
  assert.equal(c.get('short'), undefined);
  now = 10_000;
  assert.equal((c.get('long')!.answers[0] as { ttl: number }).ttl, 20, 'capped at 30, 10 s gone');
  now = 30_001;
  assert.equal(c.get('long'), undefined);
});

test('NXDOMAIN and NODATA live min(SOA TTL, SOA minimum) within the bounds; SERVFAIL is not stored; capacity evicts the oldest', () => {
  let now = 0;
  const c = new AnswerCache({ maxTtlSeconds: 30, minTtlSeconds: 5, capacity: 2, now: () => now });
  c.put('nx', { rcode: 'NXDOMAIN', answers: [], authorities: [soa(3600, 20)], additionals: [] });
  c.put('fail', { rcode: 'SERVFAIL', answers: [], authorities: [], additionals: [] });
  assert.equal(c.get('fail'), undefined);
  now = 19_000;
  assert.ok(c.get('nx'));
  now = 20_000;
  assert.equal(c.get('nx'), undefined);
  c.put('1', { rcode: 'NOERROR', answers: [], authorities: [soa(60, 60)], additionals: [] });
  c.put('2', { rcode: 'NOERROR', answers: [a(60)], authorities: [], additionals: [] });
  c.put('3', { rcode: 'NOERROR', answers: [a(60)], authorities: [], additionals: [] });
  assert.equal(c.size, 2);
  assert.equal(c.get('1'), undefined);
});
