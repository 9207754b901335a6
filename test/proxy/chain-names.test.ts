/** Chain-name hashing against the compat sheet's vectors (proxy-dns.md §1.3, recomputed from upstream's portProtoHash). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointChainName, externalChainName, firewallChainName, isServiceChainName, serviceChainName, serviceLocalChainName } from '../../src/proxy/iptables/chain-names.js';

test('service and endpoint chain names match upstream\'s test vectors', () => {
  assert.equal(serviceChainName('ns1/svc1:p80', 'tcp'), 'KUBE-SVC-XPGD46QRK7WJZT7O');
  assert.equal(endpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80'), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
  assert.equal(serviceChainName('kube-system/kube-dns:dns', 'udp'), 'KUBE-SVC-TCOU7JCQXEZGVUNU');
});

test('SVL, EXT and FW share the SVC hash; names fit iptables\' 28 characters', () => {
  const h = 'XPGD46QRK7WJZT7O';
  assert.equal(serviceLocalChainName('ns1/svc1:p80', 'tcp'), `KUBE-SVL-${h}`);
  assert.equal(externalChainName('ns1/svc1:p80', 'tcp'), `KUBE-EXT-${h}`);
  assert.equal(firewallChainName('ns1/svc1:p80', 'tcp'), `KUBE-FW-${h}`);
  assert.ok(endpointChainName('a-very-long-namespace-name/and-a-long-service-name:https', 'sctp', '[fd00::1]:8443').length <= 28);
  assert.notEqual(serviceChainName('ns1/svc1:p80', 'udp'), serviceChainName('ns1/svc1:p80', 'tcp'));
});

test('only the per-service prefixes count as service chains', () => {
  assert.ok(isServiceChainName('KUBE-SEP-SXIVWICOYRO3J4NJ'));
  assert.ok(isServiceChainName('KUBE-FW-XPGD46QRK7WJZT7O'));
  assert.ok(!isServiceChainName('KUBE-SERVICES'));
  assert.ok(!isServiceChainName('KUBE-MARK-MASQ'));
});
