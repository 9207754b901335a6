/**
 * Log rotation against real files and an in-memory CRI: a log over the
 * limit is renamed with a timestamp and reopened, older rotations are
 * gzipped and trimmed to maxFiles, a failed reopen renames the file back,
 * and the /var/log/containers links follow the containers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ContainerLogManager, logSymlinkPath, removeContainerLogs, rotationTimestamp } from '../../../src/kubelet/logs/index.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';

async function setup(dir: string, name = 'app'): Promise<{ cri: FakeCri; id: string; log: string }> {
  const cri = new FakeCri();
  const labels = { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'u1', 'io.kubernetes.container.name': name };
  const sb = await cri.runPodSandbox({ metadata: { name: 'web', namespace: 'default', uid: 'u1' }, labels });
  const log = join(dir, 'pods', 'default_web_u1', name, '0.log');
  mkdirSync(join(dir, 'pods', 'default_web_u1', name), { recursive: true });
  const id = await cri.createContainer(sb, { metadata: { name }, image: { image: 'img' }, labels, logPath: log });
  await cri.startContainer(id);
  return { cri, id, log };
}

test('rotation: a log over the limit is renamed, reopened, and older ones gzipped and trimmed to maxFiles', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const { cri, id, log } = await setup(dir);
    let t = Date.UTC(2026, 0, 1, 0, 0, 0);
    const m = new ContainerLogManager({ runtime: cri, maxBytes: 100, maxFiles: 3, now: () => new Date(t) });
    writeFileSync(log, 'small\n');
    await m.rotateLogs();
    assert.deepEqual(readdirSync(join(log, '..')), ['0.log'], 'under the limit: untouched');
    for (let i = 0; i < 4; i++) {
      writeFileSync(log, `round ${i} `.padEnd(150, 'x') + '\n');
      t += 1000;
      await m.rotateLogs();
    }
    assert.equal(cri.calls.filter((c) => c === `reopenContainerLog ${id}`).length, 4);
    const files = readdirSync(join(log, '..')).sort();
    // The live file was renamed (the fake runtime does not recreate it); one plain rotation and maxFiles-2 = 1 gzipped one stay.
    assert.deepEqual(files, [`0.log.${rotationTimestamp(new Date(t - 1000))}.gz`, `0.log.${rotationTimestamp(new Date(t))}`]);
    assert.match(gunzipSync(readFileSync(join(log, '..', files[0]!))).toString(), /^round 2 x+\n$/);
    assert.match(readFileSync(join(log, '..', files[1]!), 'utf8'), /^round 3 /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rotation: a failed ReopenContainerLog renames the live file back; a missing live log is reopened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const { cri, id, log } = await setup(dir);
    const m = new ContainerLogManager({ runtime: cri, maxBytes: 10, maxFiles: 2 });
    writeFileSync(log, 'more than ten bytes\n');
    cri.failNext.set('reopenContainerLog', new Error('boom'));
    await m.rotateLogs();
    assert.deepEqual(readdirSync(join(log, '..')), ['0.log']);
    assert.equal(readFileSync(log, 'utf8'), 'more than ten bytes\n');
    rmSync(log);
    await m.rotateLogs();
    assert.equal(cri.calls.filter((c) => c === `reopenContainerLog ${id}`).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rotation: exited containers are not rotated; bad policies are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const { cri, id, log } = await setup(dir);
    cri.exit(id, 0);
    writeFileSync(log, 'x'.repeat(100));
    await new ContainerLogManager({ runtime: cri, maxBytes: 10 }).rotateLogs();
    assert.deepEqual(readdirSync(join(log, '..')), ['0.log']);
    assert.throws(() => new ContainerLogManager({ runtime: cri, maxFiles: 1 }), /max files 1: must be an integer of at least 2/);
    assert.throws(() => new ContainerLogManager({ runtime: cri, maxBytes: 0 }), /max size 0: must be positive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('symlinks: one per container into the live log, removed with the container, stale ones pruned', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const { cri, id, log } = await setup(dir);
    writeFileSync(log, 'hello\n');
    const containerLogsDir = join(dir, 'containers');
    const m = new ContainerLogManager({ runtime: cri, containerLogsDir, podLogsDir: join(dir, 'pods') });
    await m.rotateLogs();
    const link = logSymlinkPath(containerLogsDir, 'web', 'default', 'app', id);
    assert.equal(link, join(containerLogsDir, `web_default_app-${id}.log`));
    assert.equal(readlinkSync(link), log);
    assert.equal(readFileSync(link, 'utf8'), 'hello\n');

    const foreign = join(containerLogsDir, 'other_ns_c-abc.log');
    symlinkSync('/elsewhere/0.log', foreign);
    const dangling = join(containerLogsDir, 'gone_default_c-def.log');
    symlinkSync(join(dir, 'pods', 'default_gone_u2', 'c', '0.log'), dangling);
    await m.rotateLogs();
    assert.ok(!existsSync(dangling) && existsSync(link));

    // A container removed with its sandbox: its log file stays, its link goes (on the next pass, or on stop).
    const labels2 = { ...(await cri.listContainers())[0]!.labels, 'io.kubernetes.container.name': 'side' };
    mkdirSync(join(dir, 'pods', 'default_web_u1', 'side'));
    const sideLog = join(dir, 'pods', 'default_web_u1', 'side', '0.log');
    writeFileSync(sideLog, 'x\n');
    const side = await cri.createContainer([...cri.sandboxes.keys()][0]!, { metadata: { name: 'side' }, image: { image: 'img' }, labels: labels2, logPath: sideLog });
    await m.rotateLogs();
    const sideLink = logSymlinkPath(containerLogsDir, 'web', 'default', 'side', side);
    assert.equal(readlinkSync(sideLink), sideLog);
    await cri.removeContainer(side);
    await m.stop();
    assert.ok(!existsSync(sideLink) && existsSync(sideLog));
    assert.equal(readlinkSync(foreign), '/elsewhere/0.log', 'links into other folders are not this kubelet\'s');

    writeFileSync(`${log}.20260101-000000`, 'old');
    await removeContainerLogs(m, { id, labels: (await cri.listContainers())[0]!.labels });
    assert.deepEqual(readdirSync(join(log, '..')), []);
    assert.deepEqual(readdirSync(containerLogsDir), ['other_ns_c-abc.log']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('symlink names are cut to 255 bytes, keeping .log', () => {
  const p = logSymlinkPath('/d', 'p'.repeat(200), 'ns', 'c', 'f'.repeat(64));
  assert.equal(p.length, '/d/'.length + 255);
  assert.ok(p.endsWith('.log'));
});
