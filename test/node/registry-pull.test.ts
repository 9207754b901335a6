/**
 * Pulls from real registries: Debian's docker-registry on loopback ports
 * (one open, two behind htpasswd sharing its storage), the busybox image
 * pushed there with skopeo, `k8ts server` and `k8ts agent` with real
 * containerd. Checks registries.yaml (plain http endpoints, a mirror for a
 * made-up registry name, auth from configs), imagePullSecrets, and a
 * missing image's ErrImagePull → ImagePullBackOff with a growing back-off;
 * and that a malformed registries.yaml stops the agent before anything
 * starts. Needs root, the README's packages, docker-registry, skopeo,
 * python3 (bcrypt for htpasswd) and kubectl 1.35; skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../../src/client/index.js';
import { buildBusyboxImage, nodePaths } from '../../src/kubelet/index.js';
import { REPO_ROOT } from '../harness/clients.js';
import { eventually } from '../harness/kubectl.js';
import { createTestNode, nodeTestSkip } from './node-under-test.js';
import { freePort } from '../harness/free-port.js';

const skip = nodeTestSkip([['docker-registry', 'docker-registry'], ['skopeo', 'skopeo'], ['python3', 'python3']]);

const USER = 'k8ts';
const PASSWORD = randomBytes(6).toString('hex');

test('a malformed registries.yaml stops the agent with the file and line, before containerd starts', { skip, timeout: 30_000 }, () => {
  const dir = mkdtempSync('/tmp/k8ts-regbad-');
  try {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'registries.yaml'), 'mirrors:\n  docker.io:\n    endpoint: "http://x"\n');
    writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'agent', '--kubeconfig', join(dir, 'kubeconfig'), '--data-dir', data, '--run-dir', join(dir, 'run')], { encoding: 'utf8', timeout: 20_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`${join(data, 'registries.yaml').replace(/[.]/g, '\\.')}:3: mirrors\\.docker\\.io\\.endpoint: want a list`), r.stderr);
    assert.equal(existsSync(nodePaths(data).containerdConfig), false, 'no containerd config written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('k8ts agent pulls from loopback registries: http endpoints, a mirror, registries.yaml auth, imagePullSecrets, pull back-off', { skip, timeout: 300_000 }, async (t) => {
  const node = createTestNode({ name: 'registry', bridgeTag: 'r', noAirGapImage: true });
  const { dir, dataDir } = node;
  const registries: ChildProcess[] = [];
  let client: RestClient | undefined;
  const watchAbort = new AbortController();
  try {
    // Three registries: `open` (no auth), `secret` and `config` (htpasswd; one storage, pushed once).
    const htpasswd = join(dir, 'htpasswd');
    const hash = execFileSync('python3', ['-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', PASSWORD], { encoding: 'utf8' }).trim();
    writeFileSync(htpasswd, `${USER}:${hash}\n`);
    const [open, secret, config] = [await freePort('127.0.0.1'), await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    registries.push(startRegistry(dir, 'open', open, join(dir, 'store-open')));
    registries.push(startRegistry(dir, 'secret', secret, join(dir, 'store-auth'), htpasswd));
    registries.push(startRegistry(dir, 'config', config, join(dir, 'store-auth'), htpasswd));
    const archive = join(dir, 'busybox.tar');
    writeFileSync(archive, buildBusyboxImage('docker.io/k8ts-test/busybox:1').archive);
    await eventually(() => fetch(`http://127.0.0.1:${open}/v2/`).then((r) => r.ok), 15_000, 'registry up');
    await eventually(() => fetch(`http://127.0.0.1:${secret}/v2/`).then((r) => r.status === 401), 15_000, 'auth registry up');
    skopeo(['copy', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://127.0.0.1:${open}/k8ts/busybox:1`]);
    skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', `${USER}:${PASSWORD}`, `oci-archive:${archive}`, `docker://127.0.0.1:${secret}/k8ts/busybox:1`]);
    await eventually(() => fetch(`http://127.0.0.1:${config}/v2/`).then((r) => r.status === 401), 15_000, 'second auth registry up');

    writeFileSync(join(dataDir, 'registries.yaml'), [
      'mirrors:',
      ...[open, secret, config].flatMap((p) => [`  "127.0.0.1:${p}":`, `    endpoint: ["http://127.0.0.1:${p}"]`]),
      '  registry.k8ts.test:',
      `    endpoint: ["http://127.0.0.1:${open}"]`,
      'configs:',
      `  "127.0.0.1:${config}":`,
      '    auth:',
      `      username: ${USER}`,
      `      password: "${PASSWORD}"`,
      '',
    ].join('\n'));

    await node.start();
    const kubectl = node.kubectl;
    client = new RestClient(loadKubeconfig(node.server.kubeconfig));

    // Every waiting reason each pod goes through, with the time this watch saw it.
    const seen = new Map<string, Array<{ at: number; reason: string; message: string }>>();
    const watch = await client.watch<Pod>(RESOURCES.pods, { namespace: 'default', signal: watchAbort.signal });
    void (async () => {
      for await (const ev of watch) {
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
        const name = ev.object.metadata?.name ?? '';
        const waiting = ev.object.status?.containerStatuses?.[0]?.state?.waiting;
        const reason = waiting?.reason ?? ev.object.status?.phase ?? '';
        const list = seen.get(name) ?? [];
        if (list.at(-1)?.reason !== reason) list.push({ at: Date.now(), reason, message: waiting?.message ?? '' });
        seen.set(name, list);
      }
    })();
    const runPod = (name: string, image: string, extra: Record<string, unknown> = {}): void => {
      kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name },
        spec: { restartPolicy: 'Never', containers: [{ name: 'c', image, imagePullPolicy: 'Always', command: ['sh', '-c', 'echo pulled-and-ran'] }], ...extra },
      }) });
    };
    const phaseOf = (name: string): Pod | undefined => {
      const p = JSON.parse(kubectl.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    };

    await node.waitReady(60_000);
    // First, so its back-off has grown by the last subtest.
    runPod('missing', `127.0.0.1:${open}/k8ts/nothing-here:1`);

    await t.test('imagePullPolicy Always pulls from a plain-http registry and runs, with a Pulled event', async () => {
      runPod('plain', `127.0.0.1:${open}/k8ts/busybox:1`);
      const pod = (await eventually(() => phaseOf('plain'), 60_000, `pod plain done; agent log:\n${node.logs().slice(-3000)}`))!;
      assert.equal(pod.status?.phase, 'Succeeded', JSON.stringify(pod.status));
      const events = kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=plain', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
      assert.match(events, new RegExp(`^Pulled: Successfully pulled image "127\\.0\\.0\\.1:${open}/k8ts/busybox:1"$`, 'm'));
    });

    await t.test('a mirror serves a made-up registry name', async () => {
      runPod('mirrored', 'registry.k8ts.test/k8ts/busybox:1');
      const pod = (await eventually(() => phaseOf('mirrored'), 60_000, 'pod mirrored done'))!;
      assert.equal(pod.status?.phase, 'Succeeded', JSON.stringify(pod.status));
    });

    await t.test('registries.yaml auth (configs) lets a pod without secrets pull from an htpasswd registry', async () => {
      runPod('configauth', `127.0.0.1:${config}/k8ts/busybox:1`);
      const pod = (await eventually(() => phaseOf('configauth'), 60_000, `pod configauth done; agent log:\n${node.logs().slice(-3000)}`))!;
      assert.equal(pod.status?.phase, 'Succeeded', JSON.stringify(pod.status));
    });

    await t.test('imagePullSecrets: with a dockerconfigjson secret the pull works, without it is refused', async () => {
      runPod('nosecret', `127.0.0.1:${secret}/k8ts/busybox:1`);
      const auths = { [`127.0.0.1:${secret}`]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } };
      kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
      }) });
      runPod('withsecret', `127.0.0.1:${secret}/k8ts/busybox:1`, { imagePullSecrets: [{ name: 'regcred' }] });
      const pod = (await eventually(() => phaseOf('withsecret'), 60_000, `pod withsecret done; agent log:\n${node.logs().slice(-3000)}`))!;
      assert.equal(pod.status?.phase, 'Succeeded', JSON.stringify(pod.status));
      const refused = (await eventually(() => seen.get('nosecret')?.find((s) => s.reason === 'ErrImagePull'), 30_000, `pod nosecret refused: ${JSON.stringify(seen.get('nosecret'))}`))!;
      assert.match(refused.message, /401 Unauthorized/, refused.message);
      assert.ok(!seen.get('nosecret')!.some((s) => s.reason === 'Succeeded'), 'pod nosecret never ran');
    });

    await t.test('a missing image: ErrImagePull, then ImagePullBackOff, retried after a growing back-off', async () => {
      const errs = (await eventually(() => {
        const pulls = (seen.get('missing') ?? []).filter((s) => s.reason === 'ErrImagePull');
        return pulls.length >= 3 ? pulls : undefined;
      }, 90_000, `three failed pulls of pod missing: ${JSON.stringify(seen.get('missing'))}`))!;
      const reasons = seen.get('missing')!.map((s) => s.reason);
      const first = reasons.indexOf('ErrImagePull');
      assert.equal(reasons[first + 1], 'ImagePullBackOff', reasons.join(' '));
      const [a, b, c] = errs.map((e) => e.at) as [number, number, number];
      t.diagnostic(`failed pulls ${b - a} ms then ${c - b} ms apart`);
      assert.ok(b - a >= 9_000, `first back-off ${b - a} ms (10 s)`);
      assert.ok(c - b > (b - a) * 1.4, `second back-off ${c - b} ms grows from ${b - a} ms (20 s after 10 s)`);
      const msg = kubectl.ok(['get', 'pod', 'missing', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}']);
      assert.match(msg, /nothing-here/);
    });

    kubectl.ok(['delete', 'pods', '--all', '--wait=true', '--timeout=60s']);
  } finally {
    watchAbort.abort();
    client?.close();
    for (const r of registries) if (r.exitCode === null) r.kill('SIGTERM');
    await node.cleanup();
  }
});

function startRegistry(dir: string, name: string, port: number, store: string, htpasswd?: string): ChildProcess {
  const config = join(dir, `registry-${name}.yml`);
  writeFileSync(config, [
    'version: 0.1',
    'log:', '  level: error',
    'storage:', '  filesystem:', `    rootdirectory: ${store}`,
    'http:', `  addr: 127.0.0.1:${port}`, '  secret: k8ts-test',
    ...(htpasswd ? ['auth:', '  htpasswd:', '    realm: k8ts', `    path: ${htpasswd}`] : []),
    '',
  ].join('\n'));
  return spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
}

function skopeo(args: string[]): void {
  const r = spawnSync('skopeo', ['--insecure-policy', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')} failed: ${r.stderr}`);
}


