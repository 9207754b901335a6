/**
 * Usage errors of every command are one line on stderr that names what is
 * wrong and points at --help, exit code 2, no stack; --help exits 0; an
 * error that is not a usage error is one line, exit 1, with its stack only
 * at debug level.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/clients.js';

const BIN = join(REPO_ROOT, 'bin', 'k8ts.js');

function k8ts(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** args, then what the one line must name. */
const CASES: [string[], string][] = [
  [['server', '--bogus'], '--bogus'],
  [['controller-manager', '--bogus'], '--bogus'],
  [['scheduler', '--bogus'], '--bogus'],
  [['sim', '--bogus'], '--bogus'],
  [['why-pending', 'p', '--bogus'], '--bogus'],
  [['version', '--bogus'], '--bogus'],
  [['scheduler', '-x'], '-x'],
  [['server', '--history-retention', '5x'], '--history-retention'],
  [['controller-manager', '--node-monitor-grace-period', '40'], '--node-monitor-grace-period'],
  [['server', '--leader-elect', 'maybe'], '--leader-elect'],
  [['scheduler', '--leader-elect', 'yes'], '--leader-elect'],
  [['server', '--max-requests-inflight', 'lots'], '--max-requests-inflight'],
  [['server', '--secure-port', '70000'], '--secure-port'],
  [['server', '--simulated-nodes', '1.5'], '--simulated-nodes'],
  [['server', '--datastore', 'nope'], '--datastore'],
  [['server', '--controllers', 'bogus'], '--controllers'],
  [['sim', '--nodes', 'two'], '--nodes'],
  [['sim', '--nodes', '2', '--capacity', 'cpu'], '--capacity'],
  [['sim', '--nodes=2', '--heartbeat-interval', 'often'], '--heartbeat-interval'],
  [['why-pending', 'p', '-o', 'yaml'], '--output'],
  [['agent', '--node-name', 'Not_A_Name'], '--node-name'],
  [['agent', '--stream-server-port', 'x'], '--stream-server-port'],
  [['agent', '--flannel-backend', 'wireguard'], '--flannel-backend'],
  [['agent', '--cluster-cidr', '10.42.0.0'], '--cluster-cidr'],
  [['agent', '--server', 'ftp://h', '--token', 't'], '--server'],
  [['agent', '--token', 't'], '--server'],
  [['server', '--token', ''], '--token'],
  [['server', '--pod-cidr', 'ten'], '--pod-cidr'],
  [['server', '--cluster-cidr', 'nope'], '--cluster-cidr'],
  [['server', '--allocate-node-cidrs', 'maybe'], '--allocate-node-cidrs'],
  [['controller-manager', '--node-cidr-mask-size-ipv6', '64'], '--node-cidr-mask-size-ipv6'],
  [['server', '--data-dir'], '--data-dir'],
  [['sim', '--kubeconfig', '--nodes', '2'], '--kubeconfig'],
  [['why-pending', 'p', '-n'], '--namespace'],
  [['server', '--help=yes'], '--help'],
  [['sim'], '--nodes'],
  [['server', 'extra'], '"extra"'],
  [['version', 'extra'], '"extra"'],
  [['why-pending', 'a', 'b'], '"b"'],
  [['why-pending'], 'POD'],
  [['images'], 'subcommand'],
  [['images', 'load'], '"load"'],
  [['cloud-controller-manager', '--bogus'], '--bogus'],
  [['cloud-controller-manager', '--cloud-provider', 'aws'], '--cloud-provider'],
  [['cloud-controller-manager', '--controllers', 'service,bogus'], '--controllers'],
  [['cloud-controller-manager', '--configure-cloud-routes', 'yes'], '--configure-cloud-routes'],
  [['cloud-controller-manager', '--cluster-cidr', 'ten'], '--cluster-cidr'],
  [['controller-manager', '--cloud-provider', 'gce'], '--cloud-provider'],
  [['agent', '--cloud-provider', 'aws'], '--cloud-provider'],
  [['images', 'import'], 'FILE'],
  [['images', 'import', '--bogus', 'x.tar'], '--bogus'],
  [['images', 'import', '--address', 'tcp://127.0.0.1:1', 'x.tar'], '--address'],
  [['agent', '--bogus'], '--bogus'],
  [['agent', '--pod-cidr', '10.42.0.0'], '--pod-cidr'],
  [['agent', '--container-runtime-endpoint', 'tcp://127.0.0.1:1'], '--container-runtime-endpoint'],
  [['nope'], '"nope"'],
  [['--bogus'], '--bogus'],
  [[], 'command'],
];

for (const [args, names] of CASES) {
  test(`k8ts ${args.join(' ')}: one line naming ${names}, exit 2`, () => {
    const r = k8ts(args);
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    const line = lines[0]!;
    const cmd = args[0] && !args[0].startsWith('-') && args[0] !== 'nope' ? `k8ts ${args[0]}` : 'k8ts';
    assert.ok(line.startsWith(`${cmd}: `), line);
    assert.ok(line.includes(names), line);
    assert.ok(line.endsWith(`(see '${cmd} --help')`), line);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.equal(r.stdout, '');
  });
}

test('a usage error of the server comes before it touches its data directory', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'k8ts-usage-')), 'data');
  try {
    assert.equal(k8ts(['server', '--data-dir', dir, '--simulated-nodes', 'x']).status, 2);
    assert.equal(existsSync(dir), false);
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

for (const cmd of ['server', 'controller-manager', 'cloud-controller-manager', 'scheduler', 'sim', 'why-pending', 'version']) {
  test(`k8ts ${cmd} --help prints its flags and exits 0`, () => {
    const r = k8ts([cmd, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: k8ts ${cmd}`));
    assert.match(r.stdout, /Flags:\n/);
    assert.equal(r.stderr, '');
  });
}

test('k8ts images import --help prints its flags and exits 0', () => {
  const r = k8ts(['images', 'import', '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: k8ts images import/);
  assert.match(r.stdout, /Flags:\n/);
});

test('k8ts --help lists the commands and exits 0', () => {
  const r = k8ts(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /why-pending POD/);
});

test('an error that is not a usage error: one line, exit 1, its stack at debug level only', () => {
  const args = ['why-pending', 'p', '--kubeconfig', join(tmpdir(), 'k8ts-no-such-kubeconfig')];
  const r = k8ts(args, { K8TS_LOG_LEVEL: 'info' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /ENOENT.*k8ts-no-such-kubeconfig/);
  assert.doesNotMatch(r.stderr, /\bat /);
  const debug = k8ts(args, { K8TS_LOG_LEVEL: 'debug' });
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /"stack":"Error: ENOENT[^"]*\\n {4}at /);
});
