import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidImageReferenceError, normalizeImageReference, parseImageReference } from '../../src/api/image-reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('normalizes as Docker and containerd do', () => {
  const cases: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['user/repo', 'docker.io/user/repo:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox:1', 'docker.io/library/busybox:1'],
    ['index.docker.io/user/repo', 'docker.io/user/repo:latest'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['localhost/k8ts/pause:1', 'localhost/k8ts/pause:1'],
    ['localhost:5000/a/b', 'localhost:5000/a/b:latest'],
    ['Registry/repo', 'Registry/repo:latest'],
    ['[::1]:5000/repo:v1', '[::1]:5000/repo:v1'],
    ['127.0.0.1:5000/x-y__z.w', '127.0.0.1:5000/x-y__z.w:latest'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`busybox:1.36@${DIGEST}`, `docker.io/library/busybox:1.36@${DIGEST}`],
    ['busybox:Tag_1.x-Y', 'docker.io/library/busybox:Tag_1.x-Y'],
  ];
  for (const [input, want] of cases) assert.equal(normalizeImageReference(input), want, input);
});

test('normalizing is idempotent', () => {
  for (const s of ['busybox', 'quay.io/a/b:c', `x@${DIGEST}`]) {
    const once = normalizeImageReference(s);
    assert.equal(normalizeImageReference(once), once);
  }
});

test('parses into domain, path, tag and digest', () => {
  assert.deepEqual(parseImageReference('busybox'), { domain: 'docker.io', path: 'library/busybox' });
  assert.deepEqual(parseImageReference(`quay.io:443/org/app:v2@${DIGEST}`),
    { domain: 'quay.io:443', path: 'org/app', tag: 'v2', digest: DIGEST });
});

test('rejects what upstream rejects, saying why', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /at least one component/],
    ['a'.repeat(64), /64-byte hexadecimal/],
    ['BusyBox', /repository name \(library\/BusyBox\) must be lowercase/],
    ['docker.io/User/repo', /must be lowercase/],
    ['busybox:', /invalid reference format/],
    ['busybox::1', /invalid reference format/],
    ['-busybox', /invalid reference format/],
    ['busybox@sha256:abc', /invalid reference format/],
    ['a//b', /invalid reference format/],
    [`x/${'a'.repeat(260)}`, /not be more than 255 characters/],
    ['busybox:' + 't'.repeat(129), /invalid reference format/],
  ];
  for (const [input, why] of cases) {
    assert.throws(() => normalizeImageReference(input), (err: unknown) => {
      assert.ok(err instanceof InvalidImageReferenceError, input);
      assert.match(err.message, why, input);
      assert.equal(err.reference, input);
      return true;
    });
  }
});
