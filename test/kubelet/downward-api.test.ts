import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { DownwardApiError, fieldRefValue, formatMap, resourceFieldRefValue } from '../../src/kubelet/downward-api.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { tier: 'front', app: 'web' }, annotations: { note: 'say "hi"' } },
  spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [] },
  status: { podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }], hostIP: '192.168.1.2' },
};
const ctx = { podIPs: ['10.42.0.5'], hostIPs: ['192.168.1.1'] };

test('fieldRef: metadata, spec and status paths; the sandbox and node IPs win over a stale status', () => {
  assert.equal(fieldRefValue(pod, 'metadata.name', ctx), 'web');
  assert.equal(fieldRefValue(pod, 'metadata.namespace', ctx), 'shop');
  assert.equal(fieldRefValue(pod, 'metadata.uid', ctx), 'u-1');
  assert.equal(fieldRefValue(pod, "metadata.labels['tier']", ctx), 'front');
  assert.equal(fieldRefValue(pod, "metadata.annotations['missing']", ctx), '');
  assert.equal(fieldRefValue(pod, 'spec.nodeName', ctx), 'n1');
  assert.equal(fieldRefValue(pod, 'spec.serviceAccountName', ctx), 'sa');
  assert.equal(fieldRefValue(pod, 'status.podIP', ctx), '10.42.0.5');
  assert.equal(fieldRefValue(pod, 'status.hostIPs', ctx), '192.168.1.1');
  assert.equal(fieldRefValue(pod, 'status.podIP', { podIPs: [], hostIPs: [] }), '10.0.0.9');
  assert.throws(() => fieldRefValue(pod, 'spec.containers', ctx), DownwardApiError);
});

test('FormatMap: sorted key="value" lines, quoted, no trailing newline', () => {
  assert.equal(fieldRefValue(pod, 'metadata.labels', ctx), 'app="web"\ntier="front"');
  assert.equal(formatMap({ note: 'say "hi"' }), 'note="say \\"hi\\""');
  assert.equal(formatMap({}), '');
});

test('resourceFieldRef: divisors round up; an unset limit is the node allocatable; unset requests are 0; divisor 0 is 1', () => {
  const c: Container = { name: 'app', resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m' } } };
  const alloc = { cpu: 2000, memory: 4 * 2 ** 30 };
  assert.equal(resourceFieldRefValue(c, { resource: 'limits.cpu' }, alloc), '1');
  assert.equal(resourceFieldRefValue(c, { resource: 'limits.cpu', divisor: '1m' }, alloc), '250');
  assert.equal(resourceFieldRefValue(c, { resource: 'requests.cpu', divisor: '1m' }, alloc), '100');
  assert.equal(resourceFieldRefValue(c, { resource: 'limits.memory', divisor: '1Mi' }, alloc), '64');
  assert.equal(resourceFieldRefValue(c, { resource: 'limits.memory' }, alloc), String(64 * 2 ** 20));
  const bare: Container = { name: 'b' };
  assert.equal(resourceFieldRefValue(bare, { resource: 'limits.memory', divisor: '1Gi' }, alloc), '4');
  assert.equal(resourceFieldRefValue(bare, { resource: 'limits.cpu', divisor: '1m' }, alloc), '2000');
  assert.equal(resourceFieldRefValue(bare, { resource: 'requests.memory' }, alloc), '0');
  assert.throws(() => resourceFieldRefValue(bare, { resource: 'cpu' }, alloc), DownwardApiError);
  // The API serves an unset divisor as "0": it means 1, as upstream.
  assert.equal(resourceFieldRefValue(c, { resource: 'limits.memory', divisor: '0' }, alloc), String(64 * 2 ** 20));
  assert.throws(() => resourceFieldRefValue(c, { resource: 'limits.cpu', divisor: '-1' }, alloc), DownwardApiError);
});
