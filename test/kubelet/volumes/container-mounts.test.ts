/**
 * A container's CRI mounts from its volumeMounts: paths, read-only rules,
 * propagation, subPath and subPathExpr (made, kept inside the volume),
 * /etc/hosts unless the container mounts its own, the termination file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { containerMounts, ContainerConfigError, type MountedVolume } from '../../../src/kubelet/index.js';

const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [] } };

test('mounts: paths, read-only from the mount or the volume, propagation, /etc/hosts, termination file', () => {
  const c: Container = {
    name: 'app', terminationMessagePath: '/tmp/msg',
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/ro', readOnly: true },
      { name: 'cfg', mountPath: '/etc/cfg' },
      { name: 'data', mountPath: '/shared', mountPropagation: 'HostToContainer' },
      { name: 'data', mountPath: '/bi', mountPropagation: 'Bidirectional' },
    ],
  };
  const volumes = new Map<string, MountedVolume>([['data', { path: '/v/data', readOnly: false }], ['cfg', { path: '/v/cfg', readOnly: true }]]);
  const mounts = containerMounts(pod, c, { volumes, etcHostsPath: '/p/etc-hosts' });
  assert.deepEqual(mounts.map((m) => [m.containerPath, m.hostPath, m.readonly, m.propagation]), [
    ['/data', '/v/data', false, 'PROPAGATION_PRIVATE'],
    ['/ro', '/v/data', true, 'PROPAGATION_PRIVATE'],
    ['/etc/cfg', '/v/cfg', true, 'PROPAGATION_PRIVATE'],
    ['/shared', '/v/data', false, 'PROPAGATION_HOST_TO_CONTAINER'],
    ['/bi', '/v/data', false, 'PROPAGATION_BIDIRECTIONAL'],
    ['/etc/hosts', '/p/etc-hosts', false, 'PROPAGATION_PRIVATE'],
  ]);
  assert.ok(mounts.every((m) => m.selinuxRelabel === false));
});

test('a container that mounts its own /etc/hosts does not get the managed one', () => {
  const c: Container = { name: 'app', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] };
  const mounts = containerMounts(pod, c, { volumes: new Map([['h', { path: '/host/hosts', readOnly: false }]]), etcHostsPath: '/p/etc-hosts' });
  assert.deepEqual(mounts.map((m) => [m.containerPath, m.hostPath]), [['/etc/hosts', '/host/hosts']]);
});

test('subPath and subPathExpr: made with the volume\'s mode, kept inside the volume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sub-'));
  try {
    const vol = join(dir, 'vol');
    mkdirSync(vol);
    chmodSync(vol, 0o777);
    symlinkSync('/etc', join(vol, 'escape'));
    const volumes = new Map([['v', { path: vol, readOnly: false }]]);
    const c: Container = {
      name: 'app',
      env: [{ name: 'WHO', value: 'k8ts' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      volumeMounts: [{ name: 'v', mountPath: '/a', subPath: 'one/two' }, { name: 'v', mountPath: '/b', subPathExpr: '$(POD)-$(WHO)' }],
    };
    const mounts = containerMounts(pod, c, { volumes });
    assert.deepEqual(mounts.map((m) => m.hostPath), [join(vol, 'one/two'), join(vol, 'p-k8ts')]);
    assert.ok(existsSync(join(vol, 'one/two')));
    assert.equal(statSync(join(vol, 'p-k8ts')).mode & 0o777, 0o777 & ~process.umask());
    assert.throws(() => containerMounts(pod, { name: 'x', volumeMounts: [{ name: 'v', mountPath: '/c', subPath: '../up' }] }, { volumes }), ContainerConfigError);
    assert.throws(() => containerMounts(pod, { name: 'x', volumeMounts: [{ name: 'v', mountPath: '/c', subPath: 'escape' }] }, { volumes }), /points outside the volume/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a mount of a volume the pod does not have is upstream\'s error', () => {
  assert.throws(() => containerMounts(pod, { name: 'app', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, { volumes: new Map() }),
    { message: 'cannot find volume "nope" to mount into container "app"' });
});
