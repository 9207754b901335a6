import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderContainerdConfig } from '../../src/kubelet/containerd/config.js';
import { nodePaths } from '../../src/kubelet/containerd/paths.js';
import {
  EMPTY_REGISTRIES, RegistriesError, parseRegistries, readRegistriesFile, renderRegistryAuth, renderRegistryHosts, unsupportedRewrites, writeRegistryHosts,
} from '../../src/kubelet/containerd/registries.js';

const K3S_EXAMPLE = `mirrors:
  docker.io:
    endpoint:
      - "https://mirror.example.com:5000"
      - "http://10.0.0.5:5000"
  registry.k8ts.test:
    endpoint: ["127.0.0.1:5001"]
    rewrite:
      "^library/(.*)": "mirrored/$1"
configs:
  "mirror.example.com:5000":
    auth:
      username: xxx
      password: "p\\"w"
    tls:
      ca_file: /etc/ssl/ca.crt
      cert_file: /etc/ssl/client.crt
      key_file: /etc/ssl/client.key
  "10.0.0.5:5000":
    auth:
      auth: eHh4Onl5eQ==
  secure.example.com:
    tls:
      insecure_skip_verify: true
`;

test('registries.yaml in k3s\'s format: mirrors with ordered endpoints (a bare host is https), rewrites, configs with auth and tls', () => {
  const r = parseRegistries(K3S_EXAMPLE, 'registries.yaml');
  assert.deepEqual(r.mirrors['docker.io'], { endpoint: ['https://mirror.example.com:5000', 'http://10.0.0.5:5000'], rewrite: {} });
  assert.deepEqual(r.mirrors['registry.k8ts.test'], { endpoint: ['https://127.0.0.1:5001'], rewrite: { '^library/(.*)': 'mirrored/$1' } });
  assert.deepEqual(r.configs['mirror.example.com:5000'], {
    auth: { username: 'xxx', password: 'p"w' },
    tls: { ca_file: '/etc/ssl/ca.crt', cert_file: '/etc/ssl/client.crt', key_file: '/etc/ssl/client.key' },
  });
  assert.deepEqual(unsupportedRewrites(r), ['registry.k8ts.test']);
  assert.deepEqual(parseRegistries('', 'f'), { mirrors: {}, configs: {} });
});

test('hosts.toml per registry: the registry as server (Docker Hub\'s real host), endpoints in order with their host\'s TLS; configs with TLS and no mirror get their own', () => {
  const files = renderRegistryHosts(parseRegistries(K3S_EXAMPLE, 'registries.yaml'));
  assert.deepEqual([...files.keys()], ['docker.io', 'registry.k8ts.test', 'mirror.example.com:5000', 'secure.example.com']);
  assert.equal(files.get('docker.io'), `# Written by k8ts from registries.yaml on every start; edits are lost.
server = "https://registry-1.docker.io"

[host."https://mirror.example.com:5000"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/ssl/ca.crt"
  client = [["/etc/ssl/client.crt", "/etc/ssl/client.key"]]

[host."http://10.0.0.5:5000"]
  capabilities = ["pull", "resolve"]
`);
  assert.match(files.get('registry.k8ts.test')!, /^server = "https:\/\/registry\.k8ts\.test"$/m);
  assert.equal(files.get('secure.example.com'), `# Written by k8ts from registries.yaml on every start; edits are lost.
server = "https://secure.example.com"
skip_verify = true
`);
  assert.deepEqual([...renderRegistryHosts(parseRegistries('mirrors:\n  "*":\n    endpoint: [http://m:1]\n', 'f')).keys()], ['_default']);
});

test('auth goes to the CRI plugin\'s registry.configs tables of config.toml, escaped, after config_path', () => {
  const r = parseRegistries(K3S_EXAMPLE, 'registries.yaml');
  assert.equal(renderRegistryAuth(r), `
[plugins."io.containerd.grpc.v1.cri".registry.configs."mirror.example.com:5000".auth]
  username = "xxx"
  password = "p\\"w"

[plugins."io.containerd.grpc.v1.cri".registry.configs."10.0.0.5:5000".auth]
  auth = "eHh4Onl5eQ=="
`);
  const toml = renderContainerdConfig(nodePaths('/d'), { sandboxImage: 'p', registries: r });
  assert.ok(toml.endsWith(`config_path = "/d/agent/etc/containerd/certs.d"\n${renderRegistryAuth(r)}`), toml);
  assert.equal(renderRegistryAuth(EMPTY_REGISTRIES), '');
  assert.ok(!renderContainerdConfig(nodePaths('/d'), { sandboxImage: 'p' }).includes('registry.configs'));
});

test('a malformed registries.yaml is refused with the file and the line', () => {
  const bad: Array<[string, RegExp]> = [
    ['mirrors:\n  docker.io:\n    endpoint: [http://a\n', /^r\.yaml:\d+: /],
    ['mirrors:\n  docker.io:\n    endpoints: ["http://a"]\n', /^r\.yaml:3: mirrors\.docker\.io\.endpoints: unknown key/],
    ['mirrors:\n  docker.io:\n    endpoint: "http://a"\n', /^r\.yaml:3: mirrors\.docker\.io\.endpoint: want a list/],
    ['mirrors:\n  docker.io:\n    endpoint:\n      - "ftp://a"\n', /^r\.yaml:4: mirrors\.docker\.io\.endpoint\.0: URL scheme ftp:/],
    ['configs:\n  a.io:\n    tls:\n      insecure_skip_verify: "yes"\n', /^r\.yaml:4: configs\.a\.io\.tls\.insecure_skip_verify: want true or false/],
    ['configs:\n  a.io:\n    tls:\n      cert_file: /c\n', /^r\.yaml:3: configs\.a\.io\.tls: cert_file and key_file go together/],
    ['configs:\n  "https://a.io":\n    auth: {username: u}\n', /^r\.yaml:2: configs\.https:\/\/a\.io: not a registry host/],
    ['mirrors:\n  x.io:\n    rewrite:\n      "(": "b"\n', /^r\.yaml:4: mirrors\.x\.io\.rewrite\.\(: invalid regular expression/],
    ['mirror:\n  x: {}\n', /^r\.yaml:1: mirror: unknown key/],
    ['- a\n', /^r\.yaml:1: document: want a mapping/],
  ];
  for (const [text, want] of bad) assert.throws(() => parseRegistries(text, 'r.yaml'), (e: unknown) => e instanceof RegistriesError && want.test(e.message), text);
});

test('readRegistriesFile: absent is empty; writeRegistryHosts replaces what an earlier start wrote', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-registries-'));
  try {
    assert.equal(readRegistriesFile(join(dir, 'none.yaml')), EMPTY_REGISTRIES);
    writeFileSync(join(dir, 'registries.yaml'), 'mirrors:\n  docker.io:\n    endpoint: ["http://127.0.0.1:5000"]\n');
    const certs = join(dir, 'certs.d');
    mkdirSync(join(certs, 'stale.io'), { recursive: true });
    writeFileSync(join(certs, 'stale.io', 'hosts.toml'), 'server = "https://stale.io"\n');
    writeRegistryHosts(certs, readRegistriesFile(join(dir, 'registries.yaml')));
    assert.deepEqual(readdirSync(certs), ['docker.io']);
    assert.match(readFileSync(join(certs, 'docker.io', 'hosts.toml'), 'utf8'), /\[host\."http:\/\/127\.0\.0\.1:5000"\]/);
    writeRegistryHosts(certs, EMPTY_REGISTRIES);
    assert.deepEqual(readdirSync(certs), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
