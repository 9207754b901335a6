/** The node IPAM range allocator's pieces: CIDR parsing and formatting, the CIDR set, and the flag checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrRangeFullError, CidrSet, formatCIDR, nodeIpamParams, parseCIDR, type NodeIpamFlags } from '../../src/controllers/nodeipam/index.js';

const set = (cidr: string, mask: number): CidrSet => new CidrSet(parseCIDR(cidr), mask);
const next = (s: CidrSet): string => formatCIDR(s.allocateNext());

test('CIDRs parse with their host bits masked (Go ParseCIDR) and format as Go does (RFC 5952 for IPv6)', () => {
  const cases: [string, string][] = [
    ['10.42.0.0/16', '10.42.0.0/16'],
    ['10.42.3.7/16', '10.42.0.0/16'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::/48', '2001:db8::/48'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'],
    ['fd00:10:244:0:0:0:0:0/56', 'fd00:10:244::/56'],
    ['::ffff:10.0.0.1/128', '::ffff:a00:1/128'],
    ['::/0', '::/0'],
    ['1:0:0:2:0:0:0:3/128', '1:0:0:2::3/128'],
  ];
  for (const [input, want] of cases) assert.equal(formatCIDR(parseCIDR(input)), want, input);
  for (const bad of ['10.42.0.0', '10.42.0.0/33', '10.42.0/16', '300.1.1.1/8', 'fd00::/129', 'x/8', '10.42.0.0/-1', '']) {
    assert.throws(() => parseCIDR(bad), /invalid CIDR address/, bad);
  }
});

test('a fresh set allocates in order from the lowest block, then says the range is full', () => {
  const s = set('10.42.0.0/22', 24);
  assert.equal(s.maxCIDRs, 4);
  assert.deepEqual([next(s), next(s), next(s), next(s)], ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24', '10.42.3.0/24']);
  assert.throws(() => s.allocateNext(), (e: unknown) => e instanceof CidrRangeFullError
    && e.message === 'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
});

test('occupied blocks are skipped; occupying twice counts once; a wider CIDR occupies every block it covers', () => {
  const s = set('10.42.0.0/16', 24);
  s.occupy(parseCIDR('10.42.0.0/24'));
  s.occupy(parseCIDR('10.42.0.0/24'));
  assert.equal(s.allocated, 1);
  s.occupy(parseCIDR('10.42.2.0/23'));
  assert.equal(s.allocated, 3);
  assert.deepEqual([next(s), next(s)], ['10.42.1.0/24', '10.42.4.0/24']);
  const narrow = set('10.42.0.0/16', 24);
  narrow.occupy(parseCIDR('10.42.7.64/26'));
  assert.ok(narrow.isUsed(parseCIDR('10.42.7.0/24')), 'a CIDR narrower than a block takes the block holding it');
  const all = set('10.42.0.0/22', 24);
  all.occupy(parseCIDR('10.0.0.0/8'));
  assert.equal(all.allocated, 4, 'a CIDR holding the whole cluster CIDR takes every block');
});

test('release frees a block: the cursor moves on first (upstream nextCandidate), then wraps round to it', () => {
  const s = set('10.42.0.0/22', 24);
  const a = s.allocateNext();
  next(s);
  s.release(a);
  assert.equal(s.allocated, 1);
  assert.deepEqual([next(s), next(s), next(s)], ['10.42.2.0/24', '10.42.3.0/24', '10.42.0.0/24']);
  assert.throws(() => s.allocateNext(), CidrRangeFullError);
  s.release(parseCIDR('10.42.1.0/24'));
  s.release(parseCIDR('10.42.1.0/24'));
  assert.equal(s.allocated, 3, 'releasing twice frees once');
  assert.equal(next(s), '10.42.1.0/24');
});

test('CIDRs outside the cluster CIDR are refused by occupy and release', () => {
  const s = set('10.42.0.0/16', 24);
  assert.throws(() => s.occupy(parseCIDR('10.99.0.0/24')), /cidr 10\.99\.0\.0\/24 is out the range of cluster cidr 10\.42\.0\.0\/16/);
  assert.throws(() => s.release(parseCIDR('192.168.0.0/24')), /out the range/);
  assert.throws(() => s.occupy(parseCIDR('fd00::/64')), /out the range/, 'another family');
  assert.equal(s.allocated, 0);
});

test('IPv6: /64 blocks of a /56, in order; the node mask may be at most 16 bits longer than the cluster\'s', () => {
  const s = set('fd00:10:244::/56', 64);
  assert.equal(s.maxCIDRs, 256);
  assert.deepEqual([next(s), next(s), next(s)], ['fd00:10:244::/64', 'fd00:10:244:1::/64', 'fd00:10:244:2::/64']);
  s.occupy(parseCIDR('fd00:10:244:3::/64'));
  assert.equal(next(s), 'fd00:10:244:4::/64');
  const wide = set('fd00:10:244::/120', 124);
  assert.deepEqual([next(wide), next(wide)], ['fd00:10:244::/124', 'fd00:10:244::10/124']);
  assert.throws(() => set('fd00::/32', 64), /New CIDR set failed; the node CIDR size is too big/);
  assert.doesNotThrow(() => set('fd00::/48', 64));
  assert.throws(() => set('10.42.0.0/16', 8), /must be from \/16 to \/32/);
});

const flags = (f: Partial<NodeIpamFlags>): NodeIpamFlags => ({
  clusterCIDR: '10.42.0.0/16', nodeCIDRMaskSize: 0, nodeCIDRMaskSizeIPv4: 0, nodeCIDRMaskSizeIPv6: 0, serviceCIDR: '', ...f,
});

test('flags: defaults /24 and /64, dual-stack takes one CIDR per family and per-family masks', () => {
  assert.deepEqual(nodeIpamParams(flags({})).nodeCIDRMaskSizes, [24]);
  assert.deepEqual(nodeIpamParams(flags({ clusterCIDR: 'fd00::/48' })).nodeCIDRMaskSizes, [64]);
  const ds = nodeIpamParams(flags({ clusterCIDR: 'fd00::/48,10.42.0.0/16', nodeCIDRMaskSizeIPv4: 26 }));
  assert.deepEqual(ds.clusterCIDRs.map(formatCIDR), ['fd00::/48', '10.42.0.0/16']);
  assert.deepEqual(ds.nodeCIDRMaskSizes, [64, 26]);
  assert.deepEqual(nodeIpamParams(flags({ nodeCIDRMaskSize: 25 })).nodeCIDRMaskSizes, [25]);
  assert.deepEqual(nodeIpamParams(flags({ serviceCIDR: '10.43.0.0/16' })).serviceCIDRs.map(formatCIDR), ['10.43.0.0/16']);
});

test('bad flags: a clear error naming the flag', () => {
  const cases: [Partial<NodeIpamFlags>, RegExp][] = [
    [{ clusterCIDR: 'nope' }, /invalid --cluster-cidr "nope": invalid CIDR address: nope/],
    [{ clusterCIDR: '' }, /--cluster-cidr is empty/],
    [{ clusterCIDR: '10.42.0.0/16,10.50.0.0/16' }, /two CIDRs must be dual-stack/],
    [{ clusterCIDR: '10.42.0.0/16,fd00::/48,10.9.0.0/16' }, /at most 2 CIDRs/],
    [{ clusterCIDR: '10.42.0.0/16,fd00::/48', nodeCIDRMaskSize: 24 }, /--node-cidr-mask-size is not allowed with dual-stack clusters/],
    [{ nodeCIDRMaskSize: 24, nodeCIDRMaskSizeIPv4: 24 }, /not allowed if --node-cidr-mask-size is set/],
    [{ clusterCIDR: 'fd00::/48', nodeCIDRMaskSizeIPv4: 24 }, /--node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster/],
    [{ nodeCIDRMaskSizeIPv6: 64 }, /--node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster/],
    [{ clusterCIDR: '10.42.0.0/24', nodeCIDRMaskSize: 16 }, /mask size must be less than or equal to the node CIDR mask size \/16/],
    [{ clusterCIDR: 'fd00::/32' }, /node CIDR size is too big/],
    [{ serviceCIDR: '10.43.0.0' }, /invalid --service-cluster-ip-range/],
  ];
  for (const [f, want] of cases) assert.throws(() => nodeIpamParams(flags(f)), want, JSON.stringify(f));
});
