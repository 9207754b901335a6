import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNI_CONFIG_FILE, renderBridgeConflist, writeBridgeConflist } from '../../src/kubelet/network/bridge-conflist.js';

test('the conflist: bridge gateway with masquerade, host-local from the podCIDR, portmap', () => {
  const conf = JSON.parse(renderBridgeConflist({ podCidrs: ['10.42.0.0/24'], ipamDataDir: '/run/k8ts/cni/networks' })) as unknown;
  assert.deepEqual(conf, {
    cniVersion: '1.0.0',
    name: 'k8ts',
    plugins: [
      {
        type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: {
          type: 'host-local', dataDir: '/run/k8ts/cni/networks',
          ranges: [[{ subnet: '10.42.0.0/24' }]], routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  });
});

test('dual stack: one range and one default route per family; bridge, name and MTU are options', () => {
  const conf = JSON.parse(renderBridgeConflist({
    podCidrs: ['10.42.1.0/24', 'fd00:42:1::/64'], ipamDataDir: '/x', bridge: 'k8ts0', networkName: 'n', mtu: 1400,
  })) as { name: string; plugins: Array<Record<string, unknown> & { ipam?: Record<string, unknown> }> };
  assert.equal(conf.name, 'n');
  assert.equal(conf.plugins[0]['bridge'], 'k8ts0');
  assert.equal(conf.plugins[0]['mtu'], 1400);
  assert.deepEqual(conf.plugins[0].ipam?.['ranges'], [[{ subnet: '10.42.1.0/24' }], [{ subnet: 'fd00:42:1::/64' }]]);
  assert.deepEqual(conf.plugins[0].ipam?.['routes'], [{ dst: '0.0.0.0/0' }, { dst: '::/0' }]);
});

test('with flannel, the bridge plugin leaves masquerading to flannel\'s rules', () => {
  const conf = JSON.parse(renderBridgeConflist({ podCidrs: ['10.42.1.0/24'], ipamDataDir: '/x', ipMasq: false })) as { plugins: Array<Record<string, unknown>> };
  assert.equal(conf.plugins[0]!['ipMasq'], false);
});

test('bad input is refused with the value in the message', () => {
  const base = { ipamDataDir: '/x' };
  assert.throws(() => renderBridgeConflist({ ...base, podCidrs: [] }), /at least one podCIDR/);
  assert.throws(() => renderBridgeConflist({ ...base, podCidrs: ['10.42.0.0'] }), /podCIDR "10.42.0.0" is not/);
  assert.throws(() => renderBridgeConflist({ ...base, podCidrs: ['10.42.0.0/33'] }), /is not an IPv4 or IPv6 CIDR/);
  assert.throws(() => renderBridgeConflist({ ...base, podCidrs: ['10.0.0.0/24', '10.1.0.0/24'] }), /at most one per IP family/);
  assert.throws(() => renderBridgeConflist({ ...base, podCidrs: ['10.0.0.0/24'], bridge: 'a-very-long-bridge' }), /bridge name "a-very-long-bridge"/);
});

test('writing is atomic and leaves an unchanged file alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cni-'));
  try {
    const confDir = join(dir, 'net.d');
    const opts = { podCidrs: ['10.42.0.0/24'], ipamDataDir: '/x' };
    const path = writeBridgeConflist(confDir, opts);
    assert.equal(path, join(confDir, CNI_CONFIG_FILE));
    assert.equal(readFileSync(path, 'utf8'), renderBridgeConflist(opts));
    utimesSync(path, 1000, 1000);
    writeBridgeConflist(confDir, opts);
    assert.equal(statSync(path).mtimeMs, 1_000_000, 'same content: not rewritten');
    writeBridgeConflist(confDir, { ...opts, podCidrs: ['10.42.9.0/24'] });
    assert.match(readFileSync(path, 'utf8'), /10\.42\.9\.0\/24/);
    assert.deepEqual(readdirSync(confDir), [CNI_CONFIG_FILE]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
