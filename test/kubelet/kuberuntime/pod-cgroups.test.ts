/** removePodCgroups: the pod's cgroup and its leftover sub-cgroups go from every hierarchy; others stay. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removePodCgroups } from '../../../src/kubelet/index.js';

test('a deleted pod\'s cgroups are removed under each v1 controller and in a v2 tree; a busy one and other pods stay', async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-cg-'));
  try {
    for (const c of ['memory', 'cpu']) {
      mkdirSync(join(root, 'v1', c, 'kubepods/burstable/poda/ctr1'), { recursive: true });
      mkdirSync(join(root, 'v1', c, 'kubepods/besteffort/podb'), { recursive: true });
    }
    mkdirSync(join(root, 'v1', 'pids', 'kubepods/burstable/poda/busy'), { recursive: true });
    writeFileSync(join(root, 'v1', 'pids', 'kubepods/burstable/poda/busy/cgroup.procs'), '42\n');
    await removePodCgroups('a', join(root, 'v1'));
    assert.equal(existsSync(join(root, 'v1/memory/kubepods/burstable/poda')), false);
    assert.equal(existsSync(join(root, 'v1/cpu/kubepods/burstable/poda')), false);
    assert.equal(existsSync(join(root, 'v1/memory/kubepods/besteffort/podb')), true);
    assert.equal(existsSync(join(root, 'v1/pids/kubepods/burstable/poda/busy')), true, 'a cgroup that cannot be removed stays');

    mkdirSync(join(root, 'v2/kubepods/podg/ctr'), { recursive: true });
    writeFileSync(join(root, 'v2/cgroup.controllers'), 'cpu memory\n');
    await removePodCgroups('g', join(root, 'v2'));
    assert.equal(existsSync(join(root, 'v2/kubepods/podg')), false);
    await removePodCgroups('', join(root, 'v2'));
    await removePodCgroups('../x', join(root, 'v2'));
    await removePodCgroups('a', join(root, 'missing'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
