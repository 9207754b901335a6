/** Security contexts: the container wins over the pod, runAsNonRoot, the sandbox's part, and the namespaces. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import {
  ContainerConfigError, containerConfig, linuxContainerSecurityContext, podSandboxConfig, verifyRunAsNonRoot,
} from '../../../src/kubelet/index.js';

const pod = (c: Container, spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [c], ...spec } });

test('the container\'s user and group win over the pod\'s; fsGroup then supplementalGroups; capabilities, read-only root, no_new_privs', () => {
  const c: Container = {
    name: 'a',
    securityContext: {
      runAsUser: 1001, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    },
  };
  const p = pod(c, { securityContext: { runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000, supplementalGroups: [5000, 5001] } });
  const sc = linuxContainerSecurityContext(p, c, { uid: 0 });
  assert.deepEqual(sc.runAsUser, { value: 1001 });
  assert.deepEqual(sc.runAsGroup, { value: 3000 });
  assert.deepEqual(sc.supplementalGroups, [4000, 5000, 5001]);
  assert.deepEqual(sc.capabilities, { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] });
  assert.equal(sc.readonlyRootfs, true);
  assert.equal(sc.noNewPrivs, true);
  assert.equal(sc.privileged, undefined);
  assert.ok(sc.maskedPaths?.includes('/proc/kcore'));
  assert.deepEqual(sc.seccomp, { profileType: 'Unconfined' });
});

test('without runAsUser the image\'s uid or user name is used; allowPrivilegeEscalation unset leaves no_new_privs off', () => {
  const c: Container = { name: 'a' };
  assert.deepEqual(linuxContainerSecurityContext(pod(c), c, { uid: 65534 }).runAsUser, { value: 65534 });
  const named = linuxContainerSecurityContext(pod(c), c, { username: 'nginx' });
  assert.equal(named.runAsUser, undefined);
  assert.equal(named.runAsUsername, 'nginx');
  assert.equal(named.noNewPrivs, undefined);
  const um: Container = { name: 'a', securityContext: { procMount: 'Unmasked' } };
  const unmasked = linuxContainerSecurityContext(pod(um), um, {});
  assert.equal(unmasked.maskedPaths, undefined);
  const local: Container = { name: 'a', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'audit.json' } } };
  assert.deepEqual(linuxContainerSecurityContext(pod(local), local, {}, '/k').seccomp, { profileType: 'Localhost', localhostRef: '/k/seccomp/audit.json' });
  assert.deepEqual(linuxContainerSecurityContext(pod(c, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), c, {}).seccomp, { profileType: 'RuntimeDefault' });
});

test('runAsNonRoot refuses root with upstream\'s messages', () => {
  const c: Container = { name: 'a', securityContext: { runAsNonRoot: true } };
  const who = '(pod: "p_ns(u)", container: a)';
  const refuse = (p: Pod, cc: Container, img: { uid?: number; username?: string }, msg: string): void => {
    assert.throws(() => verifyRunAsNonRoot(p, cc, img), (e: unknown) => e instanceof ContainerConfigError && e.message === msg);
  };
  refuse(pod(c), c, { uid: 0 }, `container has runAsNonRoot and image will run as root ${who}`);
  refuse(pod(c), c, {}, `container has runAsNonRoot and image will run as root ${who}`);
  refuse(pod(c), c, { username: 'app' }, `container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root ${who}`);
  const zero: Container = { name: 'a', securityContext: { runAsNonRoot: true, runAsUser: 0 } };
  refuse(pod(zero), zero, { uid: 1000 }, `container's runAsUser breaks non-root policy ${who}`);
  verifyRunAsNonRoot(pod(c), c, { uid: 1000 });
  verifyRunAsNonRoot(pod({ name: 'a' }, { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }), { name: 'a' }, { uid: 0 });
  verifyRunAsNonRoot(pod({ name: 'a' }), { name: 'a' }, { uid: 0 });
  assert.throws(() => containerConfig(pod(c), { container: c, kind: 'regular', restartCount: 0, imageRef: 'sha256:x', imageUser: { uid: 0 } }), ContainerConfigError);
});

test('the sandbox: privileged when a container is, the pod\'s user, groups, sysctls, default seccomp; host namespaces', () => {
  const c: Container = { name: 'a', securityContext: { privileged: true } };
  const p = pod(c, {
    hostNetwork: true, hostPID: true, hostIPC: true,
    securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, supplementalGroups: [3000], sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
  });
  const linux = podSandboxConfig(p, 0).linux!;
  assert.deepEqual(linux.sysctls, { 'net.ipv4.ip_unprivileged_port_start': '0' });
  assert.deepEqual(linux.securityContext, {
    namespaceOptions: { network: 'NODE', pid: 'NODE', ipc: 'NODE' }, privileged: true, seccomp: { profileType: 'RuntimeDefault' },
    runAsUser: { value: 1000 }, runAsGroup: { value: 1000 }, supplementalGroups: [2000, 3000],
  });
  const config = containerConfig(p, { container: c, kind: 'regular', restartCount: 0, imageRef: 'sha256:x' });
  assert.equal(config.linux?.securityContext?.privileged, true);
  assert.deepEqual(config.linux?.securityContext?.namespaceOptions, { network: 'NODE', pid: 'NODE', ipc: 'NODE' });
  const shared = podSandboxConfig(pod({ name: 'a' }, { shareProcessNamespace: true }), 0).linux!;
  assert.deepEqual(shared.securityContext?.namespaceOptions, { network: 'POD', pid: 'POD', ipc: 'POD' });
  assert.equal(shared.securityContext?.privileged, undefined);
  assert.equal(shared.sysctls, undefined);
});
