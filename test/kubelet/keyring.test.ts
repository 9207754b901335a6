import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret } from 'kubernetes-types/core/v1.js';
import { DockerKeyring, isDefaultRegistryMatch, keyringFromSecrets, repositoryOf, urlsMatch } from '../../src/kubelet/kuberuntime/docker-keyring.js';

const e = (username: string): { username: string; password: string } => ({ username, password: `${username}-pw` });
const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('image names normalize as docker\'s ParseNormalizedNamed: Docker Hub is docker.io, library/ for one part, no tag or digest', () => {
  assert.equal(repositoryOf('busybox'), 'docker.io/library/busybox');
  assert.equal(repositoryOf('busybox:1.36'), 'docker.io/library/busybox');
  assert.equal(repositoryOf('user/app@sha256:abc'), 'docker.io/user/app');
  assert.equal(repositoryOf('index.docker.io/user/app:1'), 'docker.io/user/app');
  assert.equal(repositoryOf('127.0.0.1:5000/k8ts/busybox:1'), '127.0.0.1:5000/k8ts/busybox');
  assert.equal(repositoryOf('localhost/app'), 'localhost/app');
  assert.equal(isDefaultRegistryMatch('docker.io/library/busybox'), true);
  assert.equal(isDefaultRegistryMatch('gcr.io/x/y'), false);
  assert.equal(isDefaultRegistryMatch('localhost/x'), false);
});

test('urlsMatch as upstream\'s URLsMatch: same port, same label count with * globs, path prefix', () => {
  assert.equal(urlsMatch('registry.io', 'registry.io/a/b'), true);
  assert.equal(urlsMatch('registry.io:5000', 'registry.io/a'), false);
  assert.equal(urlsMatch('registry.io', 'registry.io:5000/a'), false);
  assert.equal(urlsMatch('*.registry.io', 'eu.registry.io/a'), true);
  assert.equal(urlsMatch('*.registry.io', 'registry.io/a'), false);
  assert.equal(urlsMatch('*.registry.io', 'a.b.registry.io/a'), false);
  assert.equal(urlsMatch('*.*.io', 'a.b.io/x'), true);
  assert.equal(urlsMatch('registry.io/team', 'registry.io/team/app'), true);
  assert.equal(urlsMatch('registry.io/team', 'registry.io/other/app'), false);
  assert.equal(urlsMatch('127.0.0.1:5000', '127.0.0.1:5000/k8ts/busybox'), true);
});

test('lookup: every match, more specific keys first; schemes and /v1/ /v2/ dropped; Docker Hub takes index.docker.io\'s', () => {
  const k = new DockerKeyring();
  k.add({ 'https://quay.io/v1/': e('quay'), 'quay.io/coreos': e('coreos'), '*.gcr.io': e('gcr'), 'https://index.docker.io/v1/': e('hub') });
  assert.deepEqual(k.lookup('quay.io/coreos/etcd:3').map((c) => c.username), ['coreos', 'quay']);
  assert.deepEqual(k.lookup('quay.io/other/x').map((c) => c.username), ['quay']);
  assert.deepEqual(k.lookup('eu.gcr.io/p/i').map((c) => c.username), ['gcr']);
  assert.deepEqual(k.lookup('gcr.io/p/i'), []);
  assert.deepEqual(k.lookup('busybox').map((c) => c.username), ['hub']);
  assert.deepEqual(k.lookup('docker.io/me/app:1').map((c) => c.username), ['hub']);
  assert.deepEqual(k.lookup('localhost/app'), []);
  const direct = new DockerKeyring();
  direct.add({ 'docker.io': e('d') });
  assert.deepEqual(direct.lookup('me/app').map((c) => c.username), ['d']);
});

test('keyringFromSecrets: dockerconfigjson and legacy dockercfg; auth overrides username/password; other secrets ignored; bad JSON named', () => {
  const secrets: Secret[] = [
    { metadata: { name: 'json', namespace: 'ns' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'r1.io': { username: 'u', password: 'p', auth: b64('a:b:c') } } })) } },
    { metadata: { name: 'cfg', namespace: 'ns' }, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ 'https://r2.io': { username: 'u2', password: 'p2' } })) } },
    { metadata: { name: 'opaque', namespace: 'ns' }, type: 'Opaque', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'r3.io': { username: 'x' } } })) } },
  ];
  const k = keyringFromSecrets(secrets);
  assert.deepEqual(k.lookup('r1.io/app'), [{ username: 'a', password: 'b:c' }]);
  assert.deepEqual(k.lookup('r2.io/app'), [{ username: 'u2', password: 'p2' }]);
  assert.deepEqual(k.lookup('r3.io/app'), []);
  assert.throws(() => keyringFromSecrets([{ metadata: { name: 'bad', namespace: 'ns' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{') } }]), /image pull secret ns\/bad: /);
  assert.throws(() => keyringFromSecrets([{ metadata: { name: 'bad', namespace: 'ns' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'r.io': { auth: b64('nocolon') } } })) } }]), /must be formatted as base64\(username:password\)/);
});
