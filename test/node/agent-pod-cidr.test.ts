/**
 * `k8ts agent` without --pod-cidr: it registers its Node without one, waits
 * (and says so) until the server's node IPAM controller sets spec.podCIDR,
 * then writes the CNI conflist for it; the node goes Ready and a pod gets an
 * IP of that CIDR. Needs root, the README's packages and kubectl 1.35; says
 * which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CNI_CONFIG_FILE } from '../../src/kubelet/index.js';
import { eventually } from '../harness/kubectl.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip();

test('k8ts agent takes its podCIDR from the node IPAM controller', { skip, timeout: 240_000 }, async (t) => {
  const node = createTestNode({ name: 'agent-cidr', bridgeTag: 'c', podCidrFromController: true });
  const { ids, paths, prefix } = node;
  try {
    await node.start();
    const kubectl = node.kubectl;

    await t.test('the Node gets spec.podCIDR from the controller; the agent waited for it, then wrote the conflist; the node goes Ready', async () => {
      await node.waitReady(90_000);
      assert.equal(kubectl.ok(['get', 'node', 'n1', '-o', 'jsonpath={.spec.podCIDR}']), `${prefix}.0/24`);
      assert.equal(kubectl.ok(['get', 'node', 'n1', '-o', 'jsonpath={.spec.podCIDRs[*]}']), `${prefix}.0/24`);
      const logs = node.logs();
      assert.match(logs, /waiting for the node's spec\.podCIDR from the node IPAM controller/);
      assert.match(logs, /pod network configured from the node's podCIDRs/);
      assert.ok(logs.indexOf('waiting for the node') < logs.indexOf('pod network configured'), 'the wait comes first');
      const conflist = JSON.parse(readFileSync(join(paths.cniConfDir, CNI_CONFIG_FILE), 'utf8')) as { plugins: Array<{ ipam?: { ranges?: Array<Array<{ subnet: string }>> } }> };
      assert.deepEqual(conflist.plugins[0]!.ipam!.ranges, [[{ subnet: `${prefix}.0/24` }]]);
    });

    await t.test('a pod runs with an IP of the controller-assigned CIDR', async () => {
      kubectl.ok(['run', 'p', `--image=${BUSYBOX}`, '--restart=Never', '--', 'sleep', '3600']);
      const pod = await eventually(() => {
        const r = kubectl.run(['get', 'pod', 'p', '-o', 'json']);
        const p = r.status === 0 ? JSON.parse(r.stdout) as Pod : undefined;
        return p?.status?.phase === 'Running' && p.status.podIP ? p : undefined;
      }, 60_000, `pod p Running; agent log:\n${node.logs()}`) as Pod;
      const id = pod.status?.containerStatuses?.[0]?.containerID;
      if (id) ids.add(id.slice('containerd://'.length));
      assert.ok(pod.status!.podIP!.startsWith(`${prefix}.`), `pod IP ${pod.status!.podIP} in ${prefix}.0/24`);
      kubectl.ok(['delete', 'pod', 'p', '--grace-period=1', '--wait=true', '--timeout=60s']);
    });
  } finally {
    await node.cleanup();
  }
});
