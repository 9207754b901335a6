/** The pure parts of the actor: env expansion, pull policy, hostNetwork sandboxes, status patches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandVars, podSandboxConfig, podStatusPatch, pullPolicyOf } from '../../../src/kubelet/index.js';

test('$(VAR) expansion keeps unknown names, $$ escapes, and a lone $ stays', () => {
  const vars = new Map([['A', 'a']]);
  const look = (n: string): string | undefined => vars.get(n);
  assert.equal(expandVars('x$(A)y', look), 'xay');
  assert.equal(expandVars('$(B) $$(A) $ $', look), '$(B) $(A) $ $');
  assert.equal(expandVars('$(A', look), '$(A');
});

test('imagePullPolicy defaults: Always for :latest or no tag, IfNotPresent otherwise', () => {
  assert.equal(pullPolicyOf({ name: 'a', image: 'busybox' }), 'Always');
  assert.equal(pullPolicyOf({ name: 'a', image: 'busybox:latest' }), 'Always');
  assert.equal(pullPolicyOf({ name: 'a', image: 'localhost:5000/busybox' }), 'Always');
  assert.equal(pullPolicyOf({ name: 'a', image: 'localhost:5000/busybox:1' }), 'IfNotPresent');
  assert.equal(pullPolicyOf({ name: 'a', image: 'busybox:1', imagePullPolicy: 'Never' }), 'Never');
});

test('a hostNetwork sandbox uses the node\'s network and sets no hostname', () => {
  const config = podSandboxConfig({ metadata: { name: 'h', namespace: 'kube-system', uid: 'u' }, spec: { hostNetwork: true, containers: [] } }, 2, { podLogsDir: '/logs' });
  assert.equal(config.hostname, undefined);
  assert.equal(config.logDirectory, '/logs/kube-system_h_u');
  assert.equal(config.metadata.attempt, 2);
  assert.equal(config.linux?.securityContext?.namespaceOptions?.network, 'NODE');
});

test('the status patch carries only what changed and deletes what the kubelet no longer reports', () => {
  assert.equal(podStatusPatch({ phase: 'Running', podIP: '1.2.3.4' }, { phase: 'Running', podIP: '1.2.3.4' }), undefined);
  assert.deepEqual(podStatusPatch({ phase: 'Pending', podIP: '1.2.3.4', nominatedNodeName: 'n' }, { phase: 'Running' }), { status: { phase: 'Running', podIP: null } });
});
