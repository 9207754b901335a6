/**
 * The node's foundation against real containerd, runc and CNI plugins: a
 * private containerd under a temporary data dir, images imported without
 * ctr, a pod on the k8ts bridge reached from the host, exec, stop with exit
 * codes, CRI logs, sandbox teardown, a containerd restart, and nothing left
 * behind. Needs root and the README's packages; says which are missing and
 * skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  ContainerdClient, ContainerdSupervisor, GrpcError, PAUSE_IMAGE, buildBusyboxImage, ensurePauseImage, findExecutable,
  importImageArchives, importImageBuffer, isNotFound, missingNodeRequirements, nodePaths, waitForRuntime, writeBridgeConflist,
  type CriClient, type NodePaths, type PodSandboxConfig,
} from '../../src/kubelet/index.js';
import { dockerArchiveOf } from '../harness/docker-archive.js';
import { REPO_ROOT } from '../harness/clients.js';
import { leftoverMounts, leftoverProcesses, linkExists, removeLeftovers } from './leftovers.js';
import { freeSubnetPrefix, httpGet } from './pod-network.js';

const missing = missingNodeRequirements();
if (!findExecutable('ip')) missing.push('ip (apt-get install iproute2)');
const skip = missing.length > 0 ? `needs ${missing.join('; ')}` : false;

const BUSYBOX = 'docker.io/k8ts-test/busybox:1';

test('a private containerd driven through the CRI', { skip, timeout: 120_000 }, async (t) => {
  const suffix = randomBytes(3).toString('hex');
  const bridge = `k8tst${suffix}`;
  let dir = '';
  let paths: NodePaths;
  let supervisor!: ContainerdSupervisor;
  let cri!: CriClient;
  let cidrPrefix = '';
  const ids = new Set<string>();
  let sandboxId = '';
  let sandboxConfig: PodSandboxConfig;
  let httpdId = '';
  let podIp = '';
  let logDir = '';

  try {
    dir = mkdtempSync('/tmp/k8ts-node-');
    paths = nodePaths(dir, { runDir: join(dir, 'run') });
    cidrPrefix = freeSubnetPrefix();
    writeBridgeConflist(paths.cniConfDir, { podCidrs: [`${cidrPrefix}.0/24`], ipamDataDir: paths.cniIpamDataDir, bridge });
    supervisor = new ContainerdSupervisor(paths, {
      sandboxImage: PAUSE_IMAGE, streamServerPort: '0', restartBackoffMs: 100, startTimeoutMs: 30_000,
    });
    cri = await supervisor.start();

    await t.test('imports the pause image and a busybox archive without ctr; the CRI lists both', async () => {
      const containerd = new ContainerdClient(cri.connection);
      const pause = await ensurePauseImage(containerd, cri.images);
      assert.equal(pause.name, PAUSE_IMAGE);
      const built = buildBusyboxImage(BUSYBOX);
      await importImageBuffer(containerd, 'busybox', built.archive, { cri: cri.images });
      const status = await cri.images.imageStatus({ image: BUSYBOX });
      assert.equal(status.image?.id, built.config.digest);
      assert.deepEqual(status.image?.repoTags, [BUSYBOX]);
      const names = (await cri.images.listImages()).flatMap((i) => i.repoTags).sort();
      assert.ok(names.includes(BUSYBOX) && names.includes(PAUSE_IMAGE), names.join(', '));
      // Imported again: nothing is written twice and the image stays.
      await importImageBuffer(containerd, 'busybox', built.archive, { cri: cri.images });
    });

    await t.test('imports a gzipped docker archive; its tag is normalized', async () => {
      const archive = join(dir, 'busybox-docker.tar.gz');
      writeFileSync(archive, gzipSync(await dockerArchiveOf(buildBusyboxImage(BUSYBOX), ['k8ts-test/busybox:docker'])));
      const imported = await importImageArchives(new ContainerdClient(cri.connection), [archive], { cri: cri.images });
      assert.deepEqual(imported.map((i) => i.name), ['docker.io/k8ts-test/busybox:docker']);
      assert.equal(imported[0].target.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      const status = await cri.images.imageStatus({ image: 'k8ts-test/busybox:docker' });
      assert.ok(status.image, 'the CRI finds the image by its short name');
    });

    await t.test('k8ts images import FILE loads an archive into the running containerd', () => {
      const archive = join(dir, 'cli.tar');
      writeFileSync(archive, buildBusyboxImage('docker.io/k8ts-test/busybox:cli').archive);
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'images', 'import', '--address', `unix://${paths.containerdSocket}`, archive], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^docker\\.io/k8ts-test/busybox:cli sha256:[0-9a-f]{64} \\(from ${archive}\\)\n$`));
    });

    await t.test('ImageFsInfo, RemoveImage, UpdateRuntimeConfig; a failed pull is a GrpcError', async () => {
      const fs = await cri.images.imageFsInfo();
      assert.deepEqual(fs.map((f) => f.fsId?.mountpoint), [join(paths.containerdRoot, 'io.containerd.snapshotter.v1.overlayfs')]);
      await cri.images.removeImage({ image: 'docker.io/k8ts-test/busybox:docker' });
      await cri.images.removeImage({ image: 'docker.io/k8ts-test/busybox:docker' });
      assert.equal((await cri.images.imageStatus({ image: 'docker.io/k8ts-test/busybox:docker' })).image, undefined);
      // The CRI removes an image, not a name: every tag of that image ID goes.
      assert.equal((await cri.images.imageStatus({ image: BUSYBOX })).image, undefined);
      await importImageBuffer(new ContainerdClient(cri.connection), 'busybox', buildBusyboxImage(BUSYBOX).archive, { cri: cri.images });
      await cri.runtime.updateRuntimeConfig(`${cidrPrefix}.0/24`);
      await assert.rejects(cri.images.pullImage({ image: 'localhost:1/k8ts-test/nothing:1' }), (err: unknown) => {
        assert.ok(err instanceof GrpcError, String(err));
        assert.match(err.details, /localhost:1/);
        return true;
      });
    });

    await t.test('RunPodSandbox gets an IP from the bridge; busybox httpd answers on it from the host', async () => {
      const ready = await cri.runtime.status();
      assert.ok(ready.status?.conditions.some((c) => c.type === 'NetworkReady' && c.status), 'NetworkReady once the conflist loaded');
      logDir = join(dir, 'pods', 'default_web_uid-1');
      mkdirSync(logDir, { recursive: true, mode: 0o755 });
      sandboxConfig = {
        metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: 0 },
        hostname: 'web',
        logDirectory: logDir,
        labels: { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-1' },
        linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
      };
      sandboxId = await cri.runtime.runPodSandbox(sandboxConfig);
      ids.add(sandboxId);
      const sandbox = await cri.runtime.podSandboxStatus(sandboxId);
      assert.equal(sandbox.status?.state, 'SANDBOX_READY');
      podIp = sandbox.status?.network?.ip ?? '';
      assert.ok(podIp.startsWith(`${cidrPrefix}.`), `pod IP ${podIp} in ${cidrPrefix}.0/24`);
      assert.ok(linkExists(bridge), `bridge ${bridge} exists`);
      assert.equal(netnsEntries().length, 1, 'one network namespace under the state dir');

      const image = await cri.images.imageStatus({ image: BUSYBOX });
      httpdId = await cri.runtime.createContainer(sandboxId, {
        metadata: { name: 'httpd', attempt: 0 },
        image: { image: image.image!.id },
        command: ['sh', '-c', 'echo started; echo oops >&2; mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www'],
        labels: { 'io.kubernetes.container.name': 'httpd' },
        logPath: 'httpd/0.log',
      }, sandboxConfig);
      ids.add(httpdId);
      await cri.runtime.startContainer(httpdId);
      assert.equal(await httpGet(`http://${podIp}:8080/`), 'hello\n');
    });

    await t.test('ExecSync, ContainerStatus and the CRI log file', async () => {
      const exec = await cri.runtime.execSync(httpdId, ['echo', 'hi'], 10);
      assert.equal(exec.stdout.toString(), 'hi\n');
      assert.equal(exec.exitCode, 0);
      const failing = await cri.runtime.execSync(httpdId, ['sh', '-c', 'exit 7'], 10);
      assert.equal(failing.exitCode, 7);
      const lo = await cri.runtime.execSync(httpdId, ['ip', '-o', 'addr', 'show', 'lo'], 10);
      assert.match(lo.stdout.toString(), /inet 127\.0\.0\.1/, 'loopback is up in the pod');

      const status = (await cri.runtime.containerStatus(httpdId)).status;
      assert.equal(status?.state, 'CONTAINER_RUNNING');
      assert.ok((status?.startedAt ?? 0) > 0);
      assert.equal(status?.logPath, join(logDir, 'httpd/0.log'));
      assert.equal(status?.labels['io.kubernetes.container.name'], 'httpd');

      const lines = readFileSync(join(logDir, 'httpd', '0.log'), 'utf8').trimEnd().split('\n');
      const criLine = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([PF]) (.*)$/;
      const parsed = lines.map((l) => criLine.exec(l));
      assert.ok(parsed.every(Boolean), `every line in CRI format:\n${lines.join('\n')}`);
      // stdout and stderr are separate pipes: their relative order is not kept.
      assert.deepEqual(parsed.map((m) => [m![2], m![3], m![4]]).sort(), [['stderr', 'F', 'oops'], ['stdout', 'F', 'started']]);

      await assert.rejects(cri.runtime.containerStatus('no-such-container'), (err: unknown) => isNotFound(err));
    });

    await t.test('containerd killed with SIGKILL is restarted; the container keeps running', async () => {
      const before = supervisor.pid!;
      process.kill(before, 'SIGKILL');
      const deadline = Date.now() + 15_000;
      while ((supervisor.pid === undefined || supervisor.pid === before) && Date.now() < deadline) await sleep(50);
      assert.notEqual(supervisor.pid, undefined);
      assert.notEqual(supervisor.pid, before);
      await waitForRuntime(cri.runtime, { timeoutMs: 15_000 });
      assert.equal((await cri.runtime.containerStatus(httpdId)).status?.state, 'CONTAINER_RUNNING');
      assert.equal(await httpGet(`http://${podIp}:8080/`), 'hello\n');
    });

    await t.test('StopContainer ends httpd on SIGTERM; a container that exits reports its code', async () => {
      const started = Date.now();
      await cri.runtime.stopContainer(httpdId, 10);
      assert.ok(Date.now() - started < 9000, 'stopped by SIGTERM, not by the SIGKILL after the timeout');
      const stopped = (await cri.runtime.containerStatus(httpdId)).status;
      assert.equal(stopped?.state, 'CONTAINER_EXITED');
      assert.equal(stopped?.exitCode, 143);
      assert.ok((stopped?.finishedAt ?? 0) >= (stopped?.startedAt ?? 0));

      const image = await cri.images.imageStatus({ image: BUSYBOX });
      const id = await cri.runtime.createContainer(sandboxId, {
        metadata: { name: 'job', attempt: 0 }, image: { image: image.image!.id },
        command: ['sh', '-c', 'echo bye; exit 3'], logPath: 'job/0.log',
      }, sandboxConfig);
      ids.add(id);
      await cri.runtime.startContainer(id);
      let status = (await cri.runtime.containerStatus(id)).status;
      for (const until = Date.now() + 10_000; status?.state !== 'CONTAINER_EXITED' && Date.now() < until; await sleep(50)) {
        status = (await cri.runtime.containerStatus(id)).status;
      }
      assert.equal(status?.state, 'CONTAINER_EXITED');
      assert.equal(status?.exitCode, 3);
      assert.equal(status?.reason, 'Error');
      const listed = await cri.runtime.listContainers({ podSandboxId: sandboxId, state: { state: 'CONTAINER_EXITED' } });
      assert.deepEqual(listed.map((c) => c.id).sort(), [httpdId, id].sort());
      await cri.runtime.removeContainer(id);
      await cri.runtime.removeContainer(id);
    });

    await t.test('StopPodSandbox releases the network namespace; RemovePodSandbox forgets the sandbox', async () => {
      await cri.runtime.stopPodSandbox(sandboxId);
      assert.equal((await cri.runtime.podSandboxStatus(sandboxId)).status?.state, 'SANDBOX_NOTREADY');
      assert.deepEqual(netnsEntries(), []);
      await cri.runtime.stopPodSandbox(sandboxId);
      await cri.runtime.removePodSandbox(sandboxId);
      await assert.rejects(cri.runtime.podSandboxStatus(sandboxId), (err: unknown) => isNotFound(err));
      assert.deepEqual(await cri.runtime.listContainers({ podSandboxId: sandboxId }), []);
      assert.deepEqual(readdirSync(join(paths.cniIpamDataDir, 'k8ts')).filter((f) => /^\d/.test(f)), [], 'the pod IP is released');
    });

    await t.test('in a shared PID namespace the pause process is PID 1 and reaps orphans; SIGTERM ends it with 0', async () => {
      const config: PodSandboxConfig = {
        metadata: { name: 'shared', namespace: 'default', uid: 'uid-2', attempt: 0 },
        hostname: 'shared',
        logDirectory: join(dir, 'pods', 'default_shared_uid-2'),
        linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'POD', ipc: 'POD' } } },
      };
      mkdirSync(config.logDirectory!, { recursive: true });
      const sandbox = await cri.runtime.runPodSandbox(config);
      ids.add(sandbox);
      const image = await cri.images.imageStatus({ image: BUSYBOX });
      const id = await cri.runtime.createContainer(sandbox, {
        metadata: { name: 'orphans', attempt: 0 }, image: { image: image.image!.id },
        command: ['sh', '-c', 'for i in 1 2 3; do (sleep 0.1 &); done; exec sleep 600'],
        linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'POD', ipc: 'POD' } } },
        logPath: 'orphans/0.log',
      }, config);
      ids.add(id);
      await cri.runtime.startContainer(id);
      await sleep(600);
      const ps = (await cri.runtime.execSync(id, ['ps', '-o', 'pid,stat,args'], 10)).stdout.toString();
      const rows = ps.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
      assert.deepEqual(rows.find((r) => r[0] === '1')?.slice(2, 4), ['/bin/sh', '-c'], ps);
      assert.deepEqual(rows.filter((r) => r[1]?.startsWith('Z')), [], `no zombies:\n${ps}`);

      // The pause image as a container of its own: SIGTERM ends it with 0, at once.
      const pauseImage = await cri.images.imageStatus({ image: PAUSE_IMAGE });
      const pause = await cri.runtime.createContainer(sandbox, {
        metadata: { name: 'pause', attempt: 0 }, image: { image: pauseImage.image!.id }, logPath: 'pause/0.log',
      }, config);
      ids.add(pause);
      await cri.runtime.startContainer(pause);
      const stopping = Date.now();
      await cri.runtime.stopContainer(pause, 10);
      const stopped = (await cri.runtime.containerStatus(pause)).status;
      assert.deepEqual([stopped?.state, stopped?.exitCode], ['CONTAINER_EXITED', 0]);
      assert.ok(Date.now() - stopping < 5000, 'ended by SIGTERM');
      await cri.runtime.stopPodSandbox(sandbox);
      await cri.runtime.removePodSandbox(sandbox);
    });

    await t.test('stopping containerd leaves no process and no mount behind', async () => {
      await supervisor.stop();
      assert.equal(existsSync(paths.containerdPidFile), false);
      const deadline = Date.now() + 5000;
      while (leftoverProcesses(dir, ids).length > 0 && Date.now() < deadline) await sleep(50);
      assert.deepEqual(leftoverProcesses(dir, ids).map(describeProcess), []);
      assert.deepEqual(leftoverMounts(dir), []);
    });
  } finally {
    try {
      for (const s of cri ? await cri.runtime.listPodSandbox().catch(() => []) : []) {
        await cri.runtime.stopPodSandbox(s.id).catch(() => undefined);
        await cri.runtime.removePodSandbox(s.id).catch(() => undefined);
      }
    } finally {
      await supervisor?.stop();
      removeLeftovers(dir, ids, bridge);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  function netnsEntries(): string[] {
    const d = join(paths.containerdState, 'io.containerd.grpc.v1.cri', 'netns');
    return existsSync(d) ? readdirSync(d) : [];
  }
});

function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')}`;
  } catch {
    return `${pid}`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
