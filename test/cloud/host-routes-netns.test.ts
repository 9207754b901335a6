/**
 * The k8ts provider's routes against a real kernel, in a network namespace
 * of the test's own (never the host's routes): `ip route replace ... proto
 * 176` programs a pod CIDR via a node, listRoutes finds it (and only k8ts's
 * routes), deleteRoute removes it. Needs root and iproute2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Node } from 'kubernetes-types/core/v1.js';
import { HostRoutes, execCommand } from '../../src/cloud/providers/k8ts/host-routes.js';

function hasIp(): boolean {
  try { execFileSync('ip', ['-V'], { stdio: 'ignore' }); return true; } catch { return false; }
}
const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : !hasIp() ? 'needs ip (apt-get install iproute2)' : false;
if (skip) console.log(`# skipped: ${skip}`);

test('routes in a network namespace: created via the node\'s InternalIP, listed with their target, deleted', { skip }, async () => {
  const ns = `k8ts-${randomBytes(4).toString('hex')}`;
  const ip = (...args: string[]): string => execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    // A veth pair (the dummy module may be missing); its far end up too, so the link has carrier.
    ip('link', 'add', 'k8tsv0', 'type', 'veth', 'peer', 'name', 'k8tsv1');
    ip('addr', 'add', '192.0.2.1/24', 'dev', 'k8tsv0');
    ip('link', 'set', 'k8tsv0', 'up');
    ip('link', 'set', 'k8tsv1', 'up');
    // A route that is not k8ts's: never listed, never touched.
    ip('route', 'add', '10.42.99.0/24', 'via', '192.0.2.99');
    const nodes: Node[] = [
      { metadata: { name: 'remote' }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.30' }] } },
      { metadata: { name: 'self' }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.1' }] } },
    ];
    const store = { get: (k: string) => nodes.find((n) => n.metadata!.name === k), list: () => nodes, listKeys: () => nodes.map((n) => n.metadata!.name!) };
    const routes = new HostRoutes({
      nodes: () => store as never,
      run: (argv) => execCommand(argv[0] === 'ip' ? ['ip', '-n', ns, ...argv.slice(1)] : argv),
      local: () => new Set(['192.0.2.1']),
    });
    await routes.createRoute('kubernetes', 'uid-remote', { name: '', targetNode: 'remote', destinationCIDR: '10.42.7.0/24' });
    await routes.createRoute('kubernetes', 'uid-self', { name: '', targetNode: 'self', destinationCIDR: '10.42.0.0/24' });
    // Idempotent: replace, not add.
    await routes.createRoute('kubernetes', 'uid-remote', { name: '', targetNode: 'remote', destinationCIDR: '10.42.7.0/24' });
    assert.match(ip('route', 'show', '10.42.7.0/24'), /10\.42\.7\.0\/24 via 192\.0\.2\.30 dev k8tsv0 proto 176/);
    assert.equal(ip('route', 'show', '10.42.0.0/24').trim(), '', 'no route to this host\'s own pod CIDR');
    assert.deepEqual(await routes.listRoutes(), [{ name: '10.42.7.0/24', targetNode: 'remote', destinationCIDR: '10.42.7.0/24' }]);
    await routes.deleteRoute('kubernetes', { name: '10.42.7.0/24', targetNode: 'remote', destinationCIDR: '10.42.7.0/24' });
    assert.deepEqual(await routes.listRoutes(), []);
    assert.match(ip('route', 'show', '10.42.99.0/24'), /via 192\.0\.2\.99/);
    await assert.rejects(routes.deleteRoute('kubernetes', { name: 'x', targetNode: 'remote', destinationCIDR: '10.42.8.0/24' }), /ip -n k8ts-\w+ route del 10\.42\.8\.0\/24 proto 176: /);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
