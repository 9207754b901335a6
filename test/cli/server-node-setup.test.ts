/**
 * What `k8ts server` does about its own node when it cannot run one, and
 * that the README's setup command is the one CI runs and names every
 * package the node requirements ask for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/clients.js';

const NOBODY = 65534;

test('not root, k8ts server says in one line that it runs no node, and serves', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-nonroot-'));
  chmodSync(dir, 0o777);
  // As root, the server runs as nobody; otherwise as the caller, who is not root either.
  const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'server', '--data-dir', join(dir, 'data'),
    '--secure-port', '0', '--bind-address', '127.0.0.1', '--datastore', 'memory', '--disable-controllers'], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: dir, K8TS_LOG_LEVEL: 'info' }, ...asNobody,
  });
  let logs = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready:\n${logs}`)), 50_000);
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        logs += d;
        if (logs.includes('k8ts server ready')) { clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}:\n${logs}`)); });
    });
    const lines = logs.split('\n').filter((l) => l.includes('the agent needs root'));
    assert.equal(lines.length, 1, logs);
    const ready = JSON.parse(logs.split('\n').find((l) => l.includes('k8ts server ready'))!) as { node: unknown };
    assert.equal(ready.node, null, 'no node');
    assert.doesNotMatch(logs, /containerd/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.exitCode !== null ? r(undefined) : child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The package names of the first `apt-get install` line that installs containerd. */
function nodePackages(text: string, where: string): string[] {
  const line = text.split('\n').find((l) => /apt-get install\b/.test(l) && /\bcontainerd\b/.test(l));
  assert.ok(line, `${where}: an apt-get install line with containerd`);
  return line.replace(/^.*apt-get install/, '').split(/\s+/).filter((w) => w && !w.startsWith('-')).sort();
}

test('the README\'s setup command is the one .ci/run runs, and names every package the node requirements ask for', () => {
  const readme = nodePackages(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'), 'README.md');
  const ci = nodePackages(readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8'), '.ci/run');
  assert.deepEqual(readme, ci);
  const requirements = readFileSync(join(REPO_ROOT, 'src', 'kubelet', 'node-requirements.ts'), 'utf8');
  const asked = [...requirements.matchAll(/apt-get install (\$\{pkg\}|[a-z0-9.+-]+)/g)].map((m) => m[1]!).filter((p) => p !== '${pkg}');
  const byTable = [...requirements.matchAll(/\['[^']+', '([a-z0-9.+-]+)'\]/g)].map((m) => m[1]!);
  const needed = [...new Set([...asked, ...byTable])];
  assert.ok(needed.length >= 4, `found the packages in node-requirements.ts: ${needed.join(', ')}`);
  assert.deepEqual(needed.filter((p) => !readme.includes(p)), [], 'every package node-requirements.ts names is in the setup command');
});
