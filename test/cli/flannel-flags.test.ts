/** `k8ts agent`'s --flannel-backend and --cluster-cidr: k3s's defaults, and a usage error naming a bad value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flannelFlagValues } from '../../src/cli/node-flags.js';
import { UsageError } from '../../src/cli/usage-error.js';

test('flannel flags default to vxlan over 10.42.0.0/16, as k3s', () => {
  assert.deepEqual(flannelFlagValues({}), { backend: 'vxlan', clusterCidr: '10.42.0.0/16' });
  assert.deepEqual(flannelFlagValues({ 'flannel-backend': 'host-gw', 'cluster-cidr': '10.99.0.0/16' }), { backend: 'host-gw', clusterCidr: '10.99.0.0/16' });
  assert.equal(flannelFlagValues({ 'flannel-backend': 'none' }).backend, 'none');
});

test('a bad backend or cluster CIDR is a usage error that names the flag and the choices', () => {
  assert.throws(() => flannelFlagValues({ 'flannel-backend': 'wireguard' }),
    (e: unknown) => e instanceof UsageError && e.message === 'invalid --flannel-backend "wireguard": want one of host-gw, vxlan, none');
  assert.throws(() => flannelFlagValues({ 'cluster-cidr': '10.42.0.0' }), (e: unknown) => e instanceof UsageError && /invalid --cluster-cidr "10.42.0.0"/.test(e.message));
  assert.throws(() => flannelFlagValues({ 'cluster-cidr': '10.420.0.0/16' }), UsageError);
});
