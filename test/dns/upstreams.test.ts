/** Where forwarded queries go: resolv.conf's nameservers, explicit upstreams, never the server itself. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameserversOf, parseUpstream, withoutSelf } from '../../src/dns/upstreams.js';

test('upstreams: resolv.conf nameservers, ip[:port] forms, and the server\'s own address dropped', () => {
  assert.deepEqual(nameserversOf('# x\nnameserver 10.0.0.2\nnameserver fe80::1%eth0\nnameserver bogus\nsearch a\nnameserver 127.0.0.53 # stub\n'), ['10.0.0.2', 'fe80::1', '127.0.0.53']);
  assert.deepEqual(parseUpstream('10.0.0.2'), { host: '10.0.0.2', port: 53 });
  assert.deepEqual(parseUpstream('10.0.0.2:5353'), { host: '10.0.0.2', port: 5353 });
  assert.deepEqual(parseUpstream('[fd00::1]:5353'), { host: 'fd00::1', port: 5353 });
  assert.deepEqual(parseUpstream('fd00::1'), { host: 'fd00::1', port: 53 });
  assert.throws(() => parseUpstream('dns.example:53'), /invalid upstream nameserver "dns.example:53"/);
  const ups = [{ host: '10.0.0.5', port: 53 }, { host: '127.0.0.1', port: 53 }, { host: '8.8.8.8', port: 53 }, { host: '10.0.0.5', port: 5353 }];
  assert.deepEqual(withoutSelf(ups, { host: '10.0.0.5', port: 53 }), [ups[1], ups[2], ups[3]]);
  assert.deepEqual(withoutSelf(ups, { host: '0.0.0.0', port: 53 }, () => ['10.0.0.5']), [ups[2], ups[3]], 'a wildcard listen covers local and loopback addresses');
});
