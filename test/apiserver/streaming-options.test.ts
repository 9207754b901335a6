/**
 * The pure parts of the API server's streaming subresources: query
 * parsing and the kubelet queries built from it (upstream's streamParams
 * and LogLocation), container choice, proxy paths, and the kubelet target
 * of a node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../src/api/errors.js';
import { kubeletLogQuery, parsePodLogOptions } from '../../src/apiserver/streaming/log-options.js';
import { kubeletPortForwardQuery, kubeletStreamQuery, parseStreamOptions } from '../../src/apiserver/streaming/query-params.js';
import { chooseContainer, refuseCompleted, requireHost } from '../../src/apiserver/streaming/container-choice.js';
import { parseProxyPath } from '../../src/apiserver/streaming/proxy-path.js';
import { kubeletTarget } from '../../src/apiserver/streaming/kubelet-target.js';
import { dialErrorText } from '../../src/apiserver/streaming/backend-errors.js';

const status = (fn: () => unknown): [number, string] => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return [e.code, e.message];
  }
  assert.fail('no error');
};

test('kubectl\'s exec query becomes the kubelet\'s: input/output/error/tty=1, command repeated in order, keys sorted', () => {
  const q = new URLSearchParams('command=sh&command=-c&command=echo a b&container=app&stderr=true&stdin=true&stdout=true&tty=false');
  const o = parseStreamOptions(q);
  assert.deepEqual(o, { container: 'app', stdin: true, stdout: true, stderr: true, tty: false, command: ['sh', '-c', 'echo a b'] });
  assert.equal(kubeletStreamQuery(o, true), 'command=sh&command=-c&command=echo+a+b&error=1&input=1&output=1');
  assert.equal(kubeletStreamQuery({ ...o, tty: true, stderr: false }, false), 'input=1&output=1&tty=1');
  // Go's bool parsing: anything but absent, 0 or false (any case) is true.
  assert.deepEqual(['FALSE', '0', 'yes', ''].map((v) => parseStreamOptions(new URLSearchParams(`stdin=${v}`)).stdin), [false, false, true, true]);
});

test('port-forward: port= only when ports were given (legacy WebSocket clients), comma-joined, checked', () => {
  assert.equal(kubeletPortForwardQuery(new URLSearchParams('')), '');
  assert.equal(kubeletPortForwardQuery(new URLSearchParams('ports=80&ports=8080')), 'port=80%2C8080');
  assert.deepEqual(status(() => kubeletPortForwardQuery(new URLSearchParams('ports=70000'))), [400, 'invalid port "70000": must be between 1 and 65535']);
});

test('PodLogOptions: kubelet query of the set options only; 422 and 400 as upstream', () => {
  const o = parsePodLogOptions(new URLSearchParams('follow=true&tailLines=10&timestamps=1&sinceTime=2026-03-04T05:06:07.891%2B01:00&limitBytes=5&container=c'), 'p');
  assert.equal(o.container, 'c');
  assert.equal(kubeletLogQuery(o), 'follow=true&limitBytes=5&sinceTime=2026-03-04T04%3A06%3A07Z&tailLines=10&timestamps=true');
  assert.equal(kubeletLogQuery(parsePodLogOptions(new URLSearchParams(''), 'p')), '');
  assert.deepEqual(status(() => parsePodLogOptions(new URLSearchParams('sinceSeconds=0'), 'p')), [422, 'PodLogOptions "p" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(status(() => parsePodLogOptions(new URLSearchParams('tailLines=-2&limitBytes=0'), 'p')),
    [422, 'PodLogOptions "p" is invalid: [tailLines: Invalid value: -2: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]']);
  assert.equal(status(() => parsePodLogOptions(new URLSearchParams('sinceTime=yesterday'), 'p'))[0], 400);
  assert.equal(status(() => parsePodLogOptions(new URLSearchParams('stream=Stdout'), 'p'))[0], 422);
});

const pod = (spec: Partial<NonNullable<Pod['spec']>>, phase?: string): Pod => ({
  metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], ...spec }, ...(phase ? { status: { phase } } : {}),
});

test('container choice: the only container, any kind by name, upstream texts otherwise', () => {
  const c = (name: string): { name: string } => ({ name });
  assert.equal(chooseContainer(pod({ containers: [c('a')] }), ''), 'a');
  const many = pod({ initContainers: [c('i')], containers: [c('a'), c('b')], ephemeralContainers: [c('e')] });
  assert.equal(chooseContainer(many, 'i'), 'i');
  assert.equal(chooseContainer(many, 'e'), 'e');
  assert.deepEqual(status(() => chooseContainer(many, '')), [400, 'a container name must be specified for pod p, choose one of: [i a b e]']);
  assert.deepEqual(status(() => chooseContainer(many, 'x')), [400, 'container x is not valid for pod p']);
  assert.deepEqual(status(() => chooseContainer(pod({}), '')), [400, 'a container name must be specified for pod p']);
  assert.deepEqual(status(() => requireHost(pod({}))), [400, 'pod p does not have a host assigned']);
  assert.equal(requireHost(pod({ nodeName: 'n' })), 'n');
  assert.deepEqual(status(() => refuseCompleted(pod({}, 'Failed'), 'exec')), [400, 'cannot exec into a container in a completed pod; current phase is Failed']);
  refuseCompleted(pod({}, 'Running'), 'attach');
});

test('proxy paths: pods and services in a namespace, nodes; name:port and scheme:name:port', () => {
  assert.deepEqual(parseProxyPath('/api/v1/namespaces/ns/pods/web:8080/proxy/a/b'),
    { resource: 'pods', namespace: 'ns', name: 'web', scheme: '', port: '8080', path: '/a/b' });
  assert.deepEqual(parseProxyPath('/api/v1/namespaces/ns/services/https:svc:web/proxy'),
    { resource: 'services', namespace: 'ns', name: 'svc', scheme: 'https', port: 'web', path: '/' });
  assert.deepEqual(parseProxyPath('/api/v1/nodes/n1/proxy/metrics'), { resource: 'nodes', namespace: '', name: 'n1', scheme: '', port: '', path: '/metrics' });
  assert.equal(parseProxyPath('/api/v1/namespaces/ns/configmaps/x/proxy/a'), undefined);
  assert.equal(parseProxyPath('/api/v1/namespaces/ns/pods/ftp:x:1/proxy'), undefined);
});

test('kubelet target: InternalIP else Hostname, the published port, the CA when given; simulated nodes have none', () => {
  const node = (addresses: { type: string; address: string }[], port?: number, labels?: Record<string, string>): Node => ({
    metadata: { name: 'n1', ...(labels ? { labels } : {}) },
    status: { addresses, ...(port ? { daemonEndpoints: { kubeletEndpoint: { Port: port } } } : {}) },
  });
  const client = { certPem: 'C', keyPem: 'K', caPem: 'CA' };
  const t = kubeletTarget(node([{ type: 'Hostname', address: 'h' }, { type: 'InternalIP', address: '10.0.0.5' }], 10251), client);
  assert.ok(t !== 'simulated');
  assert.equal(t.base, 'https://10.0.0.5:10251');
  assert.deepEqual(t.tls, { cert: 'C', key: 'K', rejectUnauthorized: true, ca: 'CA', servername: 'n1' });
  const h = kubeletTarget(node([{ type: 'Hostname', address: 'fd00::1' }]), client, true);
  assert.ok(h !== 'simulated');
  assert.equal(h.base, 'https://[fd00::1]:10250');
  assert.equal(h.tls.rejectUnauthorized, false);
  assert.equal(kubeletTarget(node([], 0, { 'sim.k8ts.io/simulated': 'true' }), client), 'simulated');
  assert.equal(status(() => kubeletTarget(node([]), client))[0], 500);
  assert.equal(dialErrorText(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), new URL('https://10.0.0.5:10250/x')),
    'dial tcp 10.0.0.5:10250: connect: connection refused');
});
