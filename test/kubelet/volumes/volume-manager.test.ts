/**
 * The volume manager against a real dir and a recording mounter: each
 * plugin's content, layout and errors (upstream's texts), updates on a
 * later setUp, fsGroup ownership, /etc/hosts, teardown and orphans.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Volume } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../../src/client/index.js';
import type { PodObjects } from '../../../src/kubelet/pod-objects.js';
import { VolumeManager, managedHostsFileContent } from '../../../src/kubelet/index.js';
import { FakeMounter } from './fake-mounter.js';

const UID = 'uid-1';

function podWith(volumes: Volume[], extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: UID, labels: { app: 'web', tier: 'front' } },
    spec: { containers: [{ name: 'app', resources: { limits: { memory: '64Mi' } } }], volumes, ...extra },
  };
}

class Objects implements PodObjects {
  configMaps = new Map<string, ConfigMap>();
  secrets = new Map<string, Secret>();
  async configMap(_ns: string, name: string) { return this.configMaps.get(name); }
  async secret(_ns: string, name: string) { return this.secrets.get(name); }
  async services() { return []; }
}

function setup(client?: Partial<RestClient>) {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-vm-'));
  const objects = new Objects();
  const mounter = new FakeMounter();
  const vm = new VolumeManager({
    rootDir: root, podObjects: objects, mounter, allocatable: { cpu: 2000, memory: 1 << 30 },
    ...(client ? { client: client as RestClient } : {}),
  });
  const volDir = (plugin: string, name: string) => join(root, 'pods', UID, 'volumes', `kubernetes.io~${plugin}`, name);
  return { root, objects, mounter, vm, volDir, done: () => rmSync(root, { recursive: true, force: true }) };
}

test('configMap: every key, later changes and removals, then missing is upstream\'s FailedMount text', async () => {
  const s = setup();
  try {
    const pod = podWith([{ name: 'cfg', configMap: { name: 'app-config' } }]);
    s.objects.configMaps.set('app-config', { data: { a: '1', b: '2' }, binaryData: { bin: Buffer.from([0, 1]).toString('base64') } });
    let r = await s.vm.setUp(pod);
    assert.deepEqual(r.errors, []);
    const dir = s.volDir('configmap', 'cfg');
    assert.deepEqual(r.volumes.get('cfg'), { path: dir, readOnly: true });
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '1');
    assert.deepEqual([...readFileSync(join(dir, 'bin'))], [0, 1]);
    assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
    assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o644);
    assert.equal(s.mounter.mounts.size, 0, 'configMap volumes live on disk');

    s.objects.configMaps.set('app-config', { data: { a: 'changed' } });
    r = await s.vm.setUp(pod);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'changed');
    assert.equal(existsSync(join(dir, 'b')), false);

    s.objects.configMaps.delete('app-config');
    r = await s.vm.setUp(pod);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.eventMessage, 'MountVolume.SetUp failed for volume "cfg" : configmap "app-config" not found');
    const optional = await s.vm.setUp(podWith([{ name: 'cfg', configMap: { name: 'app-config', optional: true } }]));
    assert.deepEqual(optional.errors, []);
  } finally { s.done(); }
});

test('configMap items: paths, modes; a missing key is upstream\'s error', async () => {
  const s = setup();
  try {
    s.objects.configMaps.set('c', { data: { a: '1', b: '2' } });
    await s.vm.setUp(podWith([{ name: 'v', configMap: { name: 'c', defaultMode: 0o600, items: [{ key: 'a', path: 'dir/a.txt' }, { key: 'b', path: 'b', mode: 0o400 }] } }]));
    const dir = s.volDir('configmap', 'v');
    assert.equal(readFileSync(join(dir, 'dir/a.txt'), 'utf8'), '1');
    assert.equal(statSync(join(dir, 'dir/a.txt')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'b')).mode & 0o777, 0o400);
    const r = await s.vm.setUp(podWith([{ name: 'v', configMap: { name: 'c', items: [{ key: 'zz', path: 'z' }] } }]));
    assert.equal(r.errors[0]?.message, 'configmap references non-existent config key: zz');
  } finally { s.done(); }
});

test('secret: decoded data with items and mode, on a tmpfs; missing is upstream\'s text', async () => {
  const s = setup();
  try {
    s.objects.secrets.set('creds', { data: { user: Buffer.from('admin').toString('base64'), pass: Buffer.from('s3cret').toString('base64') } });
    const r = await s.vm.setUp(podWith([{ name: 'sec', secret: { secretName: 'creds', items: [{ key: 'pass', path: 'password', mode: 0o400 }] } }]));
    assert.deepEqual(r.errors, []);
    const dir = s.volDir('secret', 'sec');
    assert.equal(readFileSync(join(dir, 'password'), 'utf8'), 's3cret');
    assert.equal(statSync(join(dir, 'password')).mode & 0o777, 0o400);
    assert.equal(existsSync(join(dir, 'user')), false);
    assert.equal(s.mounter.mounts.get(dir), `tmpfs size=${1 << 30}`);
    const missing = await s.vm.setUp(podWith([{ name: 'other', secret: { secretName: 'nope' } }]));
    assert.equal(missing.errors[0]?.eventMessage, 'MountVolume.SetUp failed for volume "other" : secret "nope" not found');
  } finally { s.done(); }
});

test('downwardAPI: labels as FormatMap lines, a resource with its divisor, on a tmpfs', async () => {
  const s = setup();
  try {
    await s.vm.setUp(podWith([{ name: 'info', downwardAPI: { items: [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
    ] } }]));
    const dir = s.volDir('downward-api', 'info');
    assert.equal(readFileSync(join(dir, 'labels'), 'utf8'), 'app="web"\ntier="front"');
    assert.equal(readFileSync(join(dir, 'name'), 'utf8'), 'p');
    assert.equal(readFileSync(join(dir, 'mem'), 'utf8'), '64');
    assert.equal(s.mounter.mounts.get(dir), `tmpfs size=${1 << 30}`, 'on a tmpfs, as upstream\'s');
  } finally { s.done(); }
});

test('projected: configMap, secret and downwardAPI merged; no TokenRequest API is a clear error', async () => {
  const notServed = Object.assign(new Error('the server could not find the requested resource'), { code: 404 });
  const s = setup({ request: async () => { throw notServed; } });
  try {
    s.objects.configMaps.set('c', { data: { a: '1' } });
    s.objects.secrets.set('s', { data: { b: Buffer.from('2').toString('base64') } });
    const sources = [{ configMap: { name: 'c' } }, { secret: { name: 's' } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }];
    const r = await s.vm.setUp(podWith([{ name: 'all', projected: { defaultMode: 0o440, sources } }]));
    assert.deepEqual(r.errors, []);
    const dir = s.volDir('projected', 'all');
    assert.deepEqual(['a', 'b', 'ns'].map((f) => readFileSync(join(dir, f), 'utf8')), ['1', '2', 'ns']);
    assert.equal(statSync(join(dir, 'b')).mode & 0o777, 0o440);
    const tok = await s.vm.setUp(podWith([{ name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]));
    assert.match(tok.errors[0]?.eventMessage ?? '', /^MountVolume\.SetUp failed for volume "tok" : failed to fetch token: the API server does not serve serviceaccounts\/token/);
  } finally { s.done(); }
});

test('projected serviceAccountToken: a TokenRequest bound to the pod, reused until refresh time', async () => {
  const requests: Array<{ path: string; body: unknown }> = [];
  const s = setup({ request: (async (_m: string, path: string, o: { body?: unknown }) => {
    requests.push({ path, body: o.body });
    return { status: { token: `tok-${requests.length}` } };
  }) as RestClient['request'] });
  try {
    const base = podWith([{ name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'api', expirationSeconds: 600 } }] } }], { serviceAccountName: 'robot' });
    const pod: Pod = { ...base, metadata: { ...base.metadata, uid: 'uid-tok' } };
    await s.vm.setUp(pod);
    await s.vm.setUp(pod);
    assert.equal(requests.length, 1, 'the token is reused');
    assert.equal(requests[0]!.path, '/api/v1/namespaces/ns/serviceaccounts/robot/token');
    assert.deepEqual((requests[0]!.body as { spec: unknown }).spec, { audiences: ['api'], expirationSeconds: 600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'uid-tok' } });
    const dir = join(s.root, 'pods', 'uid-tok', 'volumes', 'kubernetes.io~projected', 'tok');
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 'tok-1');
    assert.equal(s.mounter.mounts.get(dir), `tmpfs size=${1 << 30}`, 'projected volumes are on a tmpfs, as upstream\'s');
  } finally { s.done(); }
});

test('emptyDir: 0777 on disk; Memory is a tmpfs of sizeLimit; other volumes go on when one fails', async () => {
  const s = setup();
  try {
    const r = await s.vm.setUp(podWith([
      { name: 'scratch', emptyDir: {} },
      { name: 'broken', configMap: { name: 'missing' } },
      { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    ]));
    assert.deepEqual(r.errors.map((e) => e.volumeName), ['broken']);
    assert.equal(statSync(s.volDir('empty-dir', 'scratch')).mode & 0o777, 0o777);
    assert.equal(s.mounter.mounts.get(s.volDir('empty-dir', 'mem')), `tmpfs size=${16 << 20}`);
    await s.vm.setUp(podWith([{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }]));
    assert.equal(s.mounter.mounts.size, 1, 'a second sync does not mount again');
  } finally { s.done(); }
});

test('fsGroup: group and setgid on emptyDir, group-readable configMap files', { skip: process.getuid?.() === 0 ? false : 'needs root (chown)' }, async () => {
  const s = setup();
  try {
    s.objects.configMaps.set('c', { data: { a: '1' } });
    await s.vm.setUp(podWith([{ name: 'e', emptyDir: {} }, { name: 'c', configMap: { name: 'c', defaultMode: 0o400 } }], { securityContext: { fsGroup: 2345 } }));
    const e = statSync(s.volDir('empty-dir', 'e'));
    assert.equal(e.gid, 2345);
    assert.equal(e.mode & 0o7777, 0o2777);
    const a = statSync(join(s.volDir('configmap', 'c'), 'a'));
    assert.equal(a.gid, 2345);
    assert.equal(a.mode & 0o777, 0o440);
    await s.vm.setUp(podWith([{ name: 'c', configMap: { name: 'c', defaultMode: 0o400 } }], { securityContext: { fsGroup: 2345 } }));
    assert.equal(statSync(join(s.volDir('configmap', 'c'), 'a')).ino, a.ino, 'the fsGroup mode does not make every sync rewrite');
  } finally { s.done(); }
});

test('persistentVolumeClaim: Bound claim\'s hostPath PV (DirectoryOrCreate) bind-mounted; unbound is upstream\'s error', async () => {
  const src = mkdtempSync(join(tmpdir(), 'k8ts-pv-'));
  const objects: Record<string, PersistentVolumeClaim | PersistentVolume> = {
    'persistentvolumeclaims/data': { metadata: { name: 'data', uid: 'c1' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } },
    'persistentvolumeclaims/pending': { metadata: { name: 'pending' }, status: { phase: 'Pending' } },
    'persistentvolumes/pv1': { metadata: { name: 'pv1' }, spec: { hostPath: { path: join(src, 'made'), type: 'DirectoryOrCreate' }, claimRef: { uid: 'c1' } } },
  };
  const s = setup({ get: (async (res: { resource: string }, name: string) => {
    const o = objects[`${res.resource}/${name}`];
    if (!o) throw Object.assign(new Error('not found'), { code: 404 });
    return o;
  }) as RestClient['get'] });
  try {
    const r = await s.vm.setUp(podWith([{ name: 'd', persistentVolumeClaim: { claimName: 'data', readOnly: true } }, { name: 'p', persistentVolumeClaim: { claimName: 'pending' } }]));
    const target = s.volDir('local-volume', 'pv1');
    assert.deepEqual(r.volumes.get('d'), { path: target, readOnly: true });
    assert.ok(statSync(join(src, 'made')).isDirectory());
    assert.equal(s.mounter.mounts.get(target), `bind ${join(src, 'made')} ro`);
    assert.equal(r.errors[0]?.message, 'error processing PVC ns/pending: PVC is not bound');
  } finally {
    s.done();
    rmSync(src, { recursive: true, force: true });
  }
});

test('/etc/hosts: pod IP and hostname, subdomain FQDN, host aliases', async () => {
  assert.equal(managedHostsFileContent(['10.0.0.5'], 'web', '', [{ ip: '1.2.3.4', hostnames: ['a', 'b'] }]),
    '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\n'
    + 'fe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.0.0.5\tweb\n\n# Entries added by HostAliases.\n1.2.3.4\ta\tb\n');
  const s = setup();
  try {
    const path = s.vm.etcHosts(podWith([], { hostname: 'h', subdomain: 'sub' }), ['10.0.0.6'])!;
    assert.equal(path, join(s.root, 'pods', UID, 'etc-hosts'));
    assert.match(readFileSync(path, 'utf8'), /\n10\.0\.0\.6\th\.sub\.ns\.svc\.cluster\.local\th\n$/);
    assert.equal(s.vm.etcHosts(podWith([]), []), undefined, 'no IP yet, no managed hosts file');
  } finally { s.done(); }
});

test('teardown unmounts, then removes the pod dir; orphans are the dirs of pods no longer active', async () => {
  const s = setup();
  try {
    await s.vm.setUp(podWith([{ name: 'mem', emptyDir: { medium: 'Memory' } }]));
    const other = join(s.root, 'pods', 'uid-2');
    mkdirSync(other, { recursive: true });
    const removed = await s.vm.removeOrphanedPodDirs((uid) => uid === 'uid-2');
    assert.deepEqual(removed, [UID]);
    assert.equal(s.mounter.mounts.size, 0);
    assert.equal(existsSync(join(s.root, 'pods', UID)), false);
    assert.ok(existsSync(other));
    s.mounter.mounts.set(join(other, 'volumes/x'), 'stuck');
    s.mounter.unmount = async () => { /* a busy mount stays */ };
    await assert.rejects(s.vm.tearDown('uid-2'), /still has mounts/);
    assert.ok(existsSync(other), 'nothing removed while a mount remains');
  } finally { s.done(); }
});
