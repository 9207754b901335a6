import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canLowerOomScoreAdj, kernelSupportsUnprivileged, renderContainerdConfig, snapshotterFor } from '../../src/kubelet/containerd/config.js';
import { nodePaths } from '../../src/kubelet/containerd/paths.js';

test('node paths follow k3s: agent/ under the data dir, state and socket under the run dir', () => {
  assert.deepEqual(nodePaths('/var/lib/k8ts'), {
    containerdConfig: '/var/lib/k8ts/agent/etc/containerd/config.toml',
    registryCertsDir: '/var/lib/k8ts/agent/etc/containerd/certs.d',
    containerdRoot: '/var/lib/k8ts/agent/containerd',
    containerdState: '/run/k8ts/containerd',
    containerdSocket: '/run/k8ts/containerd/containerd.sock',
    containerdLog: '/var/lib/k8ts/agent/containerd/containerd.log',
    containerdPidFile: '/run/k8ts/containerd.pid',
    cniConfDir: '/var/lib/k8ts/agent/etc/cni/net.d',
    cniIpamDataDir: '/run/k8ts/cni/networks',
    imagesDir: '/var/lib/k8ts/agent/images',
    kubeletDir: '/var/lib/k8ts/agent/kubelet',
    podManifestsDir: '/var/lib/k8ts/agent/pod-manifests',
    localPathStorageDir: '/var/lib/k8ts/storage',
    kubeletServingCert: '/var/lib/k8ts/agent/serving-kubelet.crt',
    kubeletServingKey: '/var/lib/k8ts/agent/serving-kubelet.key',
  });
  assert.equal(nodePaths('/d', { runDir: '/tmp/r' }).containerdSocket, '/tmp/r/containerd/containerd.sock');
});

test('config.toml carries the keys k3s renders, with k8ts values', () => {
  const toml = renderContainerdConfig(nodePaths('/var/lib/k8ts'), { sandboxImage: 'localhost/k8ts/pause:1' });
  assert.equal(toml, `# Written by k8ts on every start; edits are lost.
version = 2

[plugins."io.containerd.internal.v1.opt"]
  path = "/var/lib/k8ts/agent/containerd"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/k8ts/pause:1"
  stream_server_address = "127.0.0.1"
  stream_server_port = "10010"
  stream_idle_timeout = "4h0m0s"
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  enable_selinux = false
  netns_mounts_under_state_dir = true
  restrict_oom_score_adj = false

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  disable_snapshot_annotations = true

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = "/var/lib/k8ts/agent/etc/cni/net.d"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = false

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/var/lib/k8ts/agent/etc/containerd/certs.d"
`);
});

test('options change their keys; strings are TOML-escaped', () => {
  const toml = renderContainerdConfig(nodePaths('/data "x"'), {
    sandboxImage: 'p', cniBinDir: '/opt/cni/bin', systemdCgroup: true, streamServerPort: '0',
    enableUnprivileged: false, restrictOomScoreAdj: true, streamIdleTimeoutMs: 90_000,
  });
  assert.match(toml, /^ {2}stream_idle_timeout = "1m30s"$/m);
  assert.match(toml, /^ {2}bin_dir = "\/opt\/cni\/bin"$/m);
  assert.match(toml, /^ {2}SystemdCgroup = true$/m);
  assert.match(toml, /^ {2}stream_server_port = "0"$/m);
  assert.match(toml, /^ {2}enable_unprivileged_ports = false$/m);
  assert.match(toml, /^ {2}restrict_oom_score_adj = true$/m);
  assert.match(toml, /^ {2}conf_dir = "\/data \\"x\\"\/agent\/etc\/cni\/net.d"$/m);
});

test('unprivileged ports and ICMP need Linux 4.11', () => {
  assert.equal(kernelSupportsUnprivileged('6.1.0-18-amd64'), true);
  assert.equal(kernelSupportsUnprivileged('4.11.0'), true);
  assert.equal(kernelSupportsUnprivileged('4.10.17'), false);
  assert.equal(kernelSupportsUnprivileged('3.10.0-1160.el7.x86_64'), false);
  assert.equal(kernelSupportsUnprivileged('weird'), false);
});

test('lowering oom_score_adj needs CAP_SYS_RESOURCE in the effective set', () => {
  assert.equal(canLowerOomScoreAdj('Name:\tx\nCapEff:\t000001ffffffffff\n'), true);
  assert.equal(canLowerOomScoreAdj('CapEff:\t000001fffeffffff\n'), false);
  assert.equal(canLowerOomScoreAdj('CapEff:\t0000000001000000\n'), true);
  assert.equal(canLowerOomScoreAdj('no caps here'), false);
});

test('overlayfs, except where the root itself is on overlayfs', () => {
  assert.equal(snapshotterFor(0xef53), 'overlayfs');
  assert.equal(snapshotterFor(0x01021994), 'overlayfs', 'tmpfs');
  assert.equal(snapshotterFor(0x794c7630), 'native');
  const toml = renderContainerdConfig(nodePaths('/d'), { sandboxImage: 'p', snapshotter: 'native' });
  assert.match(toml, /^ {2}snapshotter = "native"$/m);
});
