/**
 * The supervisor's process handling, with a fake containerd (no root, no
 * containerd needed): config written before start, ready on CRI Version,
 * restart with back-off after a crash, SIGKILL when SIGTERM is ignored, a
 * leftover from an earlier run stopped, a failed start explained.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContainerdSupervisor, type ContainerdSupervisorOptions } from '../../src/kubelet/containerd/supervisor.js';
import { nodePaths } from '../../src/kubelet/containerd/paths.js';
import { isAlive } from '../../src/kubelet/containerd/process.js';
import type { VersionResponse } from '../../src/kubelet/runtime/cri/types.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-supervisor-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** An executable that runs the fake with FAKE_CONTAINERD=mode. */
function fakeBinary(mode: string): string {
  const path = join(root, `containerd-${mode || 'ok'}`);
  const script = fileURLToPath(new URL('./fake-containerd.js', import.meta.url));
  writeFileSync(path, `#!/bin/sh\nFAKE_CONTAINERD=${mode} exec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

function setup(name: string, mode: string, opts: Partial<ContainerdSupervisorOptions> = {}): { sup: ContainerdSupervisor; paths: ReturnType<typeof nodePaths> } {
  const dir = join(root, name);
  const paths = nodePaths(dir, { runDir: join(dir, 'run') });
  const sup = new ContainerdSupervisor(paths, { sandboxImage: 'localhost/k8ts/pause:1', binary: fakeBinary(mode), ...opts });
  return { sup, paths };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('start writes the config, runs containerd with k3s\'s flags and resolves once Version answers', async () => {
  const ready: VersionResponse[] = [];
  const { sup, paths } = setup('start', 'slow', { onReady: (v) => ready.push(v) });
  try {
    const cri = await sup.start();
    assert.equal((await cri.runtime.version('v1')).runtimeName, 'fake');
    assert.equal(ready.length, 1);
    assert.match(readFileSync(paths.containerdConfig, 'utf8'), /sandbox_image = "localhost\/k8ts\/pause:1"/);
    assert.equal(readFileSync(paths.containerdPidFile, 'utf8').trim(), String(sup.pid));
    for (const d of [paths.cniConfDir, paths.registryCertsDir, paths.containerdRoot, paths.containerdState]) assert.ok(existsSync(d), d);
    const log = readFileSync(paths.containerdLog, 'utf8');
    assert.ok(log.includes(`fake containerd -c ${paths.containerdConfig} -a ${paths.containerdSocket} --state ${paths.containerdState} --root ${paths.containerdRoot} -l info`), log);
    await assert.rejects(sup.start(), /already started/);
  } finally {
    await sup.stop();
  }
  assert.equal(existsSync(paths.containerdPidFile), false);
});

test('a containerd that dies is restarted, with doubling delays', async () => {
  const ready: number[] = [];
  const { sup } = setup('restart', '', { restartBackoffMs: 200, onReady: () => ready.push(Date.now()) });
  try {
    await sup.start();
    for (let i = 0; i < 2; i++) {
      const pid = sup.pid!;
      const killed = Date.now();
      process.kill(pid, 'SIGKILL');
      while ((sup.pid === undefined || sup.pid === pid || ready.length < i + 2) && Date.now() - killed < 10_000) await sleep(20);
      assert.notEqual(sup.pid, pid);
      const waited = ready[i + 1]! - killed;
      assert.ok(waited >= 200 * 2 ** i, `restart ${i + 1} came after ${waited} ms, want >= ${200 * 2 ** i}`);
    }
  } finally {
    await sup.stop();
  }
});

test('restarts go on after a failed attempt (binary briefly missing)', async () => {
  const { sup } = setup('respawn', '', { restartBackoffMs: 100 });
  const binary = fakeBinary('');
  try {
    await sup.start();
    const pid = sup.pid!;
    renameSync(binary, `${binary}.away`);
    process.kill(pid, 'SIGKILL');
    await sleep(350);
    assert.equal(sup.pid, undefined, 'no binary, no containerd');
    renameSync(`${binary}.away`, binary);
    const until = Date.now() + 10_000;
    while (sup.pid === undefined && Date.now() < until) await sleep(20);
    assert.ok(sup.pid !== undefined && sup.pid !== pid);
  } finally {
    await sup.stop();
  }
});

test('stop sends SIGKILL when SIGTERM is ignored', async () => {
  const { sup } = setup('stubborn', 'ignore-term', { stopTimeoutMs: 300 });
  await sup.start();
  const pid = sup.pid!;
  const started = Date.now();
  await sup.stop();
  assert.equal(isAlive(pid), false);
  assert.ok(Date.now() - started >= 300);
  await sup.stop();
});

test('a containerd left running by an earlier k8ts is stopped before the new one starts', async () => {
  const { sup, paths } = setup('leftover', '');
  mkdirSync(join(paths.containerdPidFile, '..'), { recursive: true });
  mkdirSync(join(paths.containerdConfig, '..'), { recursive: true });
  const old = spawn(fakeBinary(''), ['-c', paths.containerdConfig, '-a', join(root, 'old.sock')], { stdio: 'ignore' });
  await new Promise((r) => old.once('spawn', r));
  writeFileSync(paths.containerdPidFile, `${old.pid}\n`);
  await sleep(300);
  try {
    await sup.start();
    assert.equal(isAlive(old.pid!), false, 'the old one is gone');
    assert.notEqual(sup.pid, old.pid);
  } finally {
    await sup.stop();
    old.kill('SIGKILL');
  }
});

test('a containerd that exits at start fails start() with its log', async () => {
  const { sup } = setup('fails', 'exit');
  await assert.rejects(sup.start(), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.match(err.message, /^containerd exited with code 3; see .*containerd\.log; last lines:\n/);
    assert.match(err.message, /fatal: told to exit/);
    return true;
  });
  assert.equal(sup.pid, undefined);
  await sleep(1500);
  assert.equal(sup.pid, undefined, 'a failed start is not restarted');
});

test('a missing binary is named', async () => {
  const { sup } = setup('missing', '', { binary: join(root, 'no-such-containerd') });
  await assert.rejects(sup.start(), /cannot start .*no-such-containerd: .*ENOENT.*apt-get install containerd/);
});
