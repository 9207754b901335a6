import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Secret } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../src/client/clock.js';
import { ImagePuller } from '../../src/kubelet/kuberuntime/image-puller.js';
import type { PodObjects } from '../../src/kubelet/pod-objects.js';
import type { ImageService } from '../../src/kubelet/runtime/cri/services.js';
import type { AuthConfig, ImageSpec, PodSandboxConfig } from '../../src/kubelet/runtime/cri/types.js';

/** A registry that wants user "u" with password "right", for images of reg.io; records each PullImage's auth. */
class AuthRegistry {
  readonly pulls: Array<{ image: string; auth?: AuthConfig }> = [];
  readonly service = {
    imageStatus: async () => ({ info: {} }),
    pullImage: async (spec: ImageSpec, auth?: AuthConfig) => {
      this.pulls.push({ image: spec.image, ...(auth ? { auth } : {}) });
      if (spec.image.startsWith('reg.io/') && !(auth?.username === 'u' && auth.password === 'right')) throw new Error('unexpected status: 401 Unauthorized');
      if (spec.image.includes('missing')) throw new Error('not found');
      return `sha256:${spec.image}`;
    },
  } as unknown as ImageService;
}

const sandbox = { metadata: { name: 'p', uid: 'u', namespace: 'ns', attempt: 0 } } as PodSandboxConfig;
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const secret = (name: string, password: string): Secret => ({
  metadata: { name, namespace: 'ns' }, type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'reg.io': { username: 'u', password } } })) },
});
const objects = (secrets: Secret[]): PodObjects => ({
  configMap: async () => undefined,
  secret: async (_ns, name) => secrets.find((s) => s.metadata?.name === name),
  services: async () => [],
});
const pod = (uid: string, pullSecrets: string[]): Pod => ({ metadata: { name: uid, namespace: 'ns', uid }, spec: { containers: [], imagePullSecrets: pullSecrets.map((name) => ({ name })) } });
const container = (image: string) => ({ name: 'c', image, imagePullPolicy: 'Always' as const });

test('a pull uses the pod\'s matching imagePullSecrets, each in turn until one works; a missing secret is skipped', async () => {
  const reg = new AuthRegistry();
  const puller = new ImagePuller(reg.service);
  const podObjects = objects([secret('wrong', 'nope'), secret('right', 'right')]);
  const r = await puller.ensure(container('reg.io/app:1'), sandbox, { pod: pod('p1', ['absent', 'wrong', 'right']), podObjects });
  assert.deepEqual(r, { imageRef: 'sha256:reg.io/app:1', pulled: true });
  assert.deepEqual(reg.pulls.map((p) => p.auth), [{ username: 'u', password: 'nope' }, { username: 'u', password: 'right' }]);
  reg.pulls.length = 0;
  await puller.ensure(container('other.io/app:1'), sandbox, { pod: pod('p1', ['right']), podObjects });
  assert.deepEqual(reg.pulls, [{ image: 'other.io/app:1' }], 'no credentials for a registry the secrets do not name');
});

test('without a matching secret the pull is refused: ErrImagePull with the runtime\'s message', async () => {
  const reg = new AuthRegistry();
  const r = await new ImagePuller(reg.service).ensure(container('reg.io/app:1'), sandbox, { pod: pod('p1', []), podObjects: objects([]) });
  assert.equal('waiting' in r && r.waiting.reason, 'ErrImagePull');
  assert.match('waiting' in r ? r.waiting.message ?? '' : '', /401 Unauthorized/);
});

test('a bad pull secret is ErrImagePull naming the secret', async () => {
  const bad: Secret = { metadata: { name: 'bad', namespace: 'ns' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{') } };
  const r = await new ImagePuller(new AuthRegistry().service).ensure(container('reg.io/app:1'), sandbox, { pod: pod('p1', ['bad']), podObjects: objects([bad]) });
  assert.match('waiting' in r ? `${r.waiting.reason} ${r.waiting.message ?? ''}` : '', /^ErrImagePull .*image pull secret ns\/bad/);
});

test('the pull back-off is per pod and image, 10 s doubling', async () => {
  const reg = new AuthRegistry();
  const clock = new FakeClock();
  const puller = new ImagePuller(reg.service, { clock });
  const p1 = { pod: pod('p1', []), podObjects: objects([]) };
  const reason = async (o: typeof p1): Promise<string> => {
    const r = await puller.ensure(container('x.io/missing:1'), sandbox, o);
    return 'waiting' in r ? r.waiting.reason : 'pulled';
  };
  assert.equal(await reason(p1), 'ErrImagePull');
  assert.equal(await reason(p1), 'ImagePullBackOff');
  assert.equal(await reason({ pod: pod('p2', []), podObjects: objects([]) }), 'ErrImagePull', 'another pod pulls at once');
  clock.step(10_000);
  assert.equal(await reason(p1), 'ErrImagePull');
  clock.step(10_000);
  assert.equal(await reason(p1), 'ImagePullBackOff', 'second back-off is 20 s');
  clock.step(10_000);
  assert.equal(await reason(p1), 'ErrImagePull');
});

test('with Always, an image another pod\'s secret pulled is no fallback: a pod without the credentials gets ErrImagePull, then ImagePullBackOff', async () => {
  const reg = new AuthRegistry();
  const present = { ...reg.service, imageStatus: async () => ({ image: { id: 'sha256:reg.io/app:1' } }) } as unknown as ImageService;
  const puller = new ImagePuller(present);
  const withSecret = await puller.ensure(container('reg.io/app:1'), sandbox, { pod: pod('p1', ['right']), podObjects: objects([secret('right', 'right')]) });
  assert.deepEqual(withSecret, { imageRef: 'sha256:reg.io/app:1', pulled: true });
  const without = await puller.ensure(container('reg.io/app:1'), sandbox, { pod: pod('p2', []), podObjects: objects([]) });
  assert.equal('waiting' in without && without.waiting.reason, 'ErrImagePull');
  const again = await puller.ensure(container('reg.io/app:1'), sandbox, { pod: pod('p2', []), podObjects: objects([]) });
  assert.equal('waiting' in again && again.waiting.reason, 'ImagePullBackOff');
  const ifNotPresent = await puller.ensure({ ...container('reg.io/app:1'), imagePullPolicy: 'IfNotPresent' }, sandbox, { pod: pod('p3', []), podObjects: objects([]) });
  assert.deepEqual(ifNotPresent, { imageRef: 'sha256:reg.io/app:1', pulled: false }, 'IfNotPresent uses the present image, as upstream');
});
