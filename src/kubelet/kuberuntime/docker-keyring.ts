/**
 * Registry credentials from a pod's imagePullSecrets, matched to an image
 * as upstream's pkg/credentialprovider does (keyring.go BasicDockerKeyring,
 * secrets/secrets.go MakeDockerKeyring):
 *
 * - kubernetes.io/dockerconfigjson secrets (`.dockerconfigjson`: {"auths": {...}})
 *   and legacy kubernetes.io/dockercfg ones (`.dockercfg`: the map itself);
 *   an entry's `auth` (base64 "user:password") overrides username/password;
 * - a key is a schemeless URL: host, host:port, an optional path prefix
 *   (a leading /v1/ or /v2/ is dropped, as the docker client does) and `*`
 *   globs per host label ("*.example.com"); the port must be equal, the label
 *   count equal, and the image's path must start with the key's;
 * - more specific keys first (the index is sorted in reverse); an image of
 *   Docker Hub also takes the credentials of "index.docker.io"
 *   ("https://index.docker.io/v1/" in a docker config).
 */
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { AuthConfig } from '../runtime/cri/types.js';

export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
export const DOCKER_CONFIG_KEY = '.dockercfg';

const DEFAULT_REGISTRY_HOST = 'index.docker.io';

/** Credentials of one registry key. */
export interface DockerConfigEntry {
  username: string;
  password: string;
}

/** Lookups of the credentials for an image; keys are kept in match order. */
export class DockerKeyring {
  private readonly creds = new Map<string, DockerConfigEntry[]>();
  private index: string[] = [];

  /** Adds a docker config (registry key → entry), as BasicDockerKeyring.Add. */
  add(config: Record<string, DockerConfigEntry>): void {
    for (const [loc, entry] of Object.entries(config)) {
      const key = keyOf(loc);
      if (key === undefined) continue;
      const list = this.creds.get(key) ?? [];
      list.push(entry);
      this.creds.set(key, list);
      if (!this.index.includes(key)) this.index.push(key);
    }
    // Go's sort.Reverse(sort.StringSlice): byte order, descending.
    this.index.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /** Every matching credential, most specific key first; [] when none matches. */
  lookup(image: string): DockerConfigEntry[] {
    const repo = repositoryOf(image);
    const out: DockerConfigEntry[] = [];
    for (const k of this.index) if (urlsMatch(k, repo)) out.push(...this.creds.get(k)!);
    if (out.length > 0) return out;
    if (isDefaultRegistryMatch(repo)) return [...(this.creds.get(DEFAULT_REGISTRY_HOST) ?? [])];
    return [];
  }
}

/**
 * The keyring of `secrets` (the pod's imagePullSecrets that exist). Secrets
 * of other types, or without their key, are ignored, as upstream does;
 * a secret whose config is not valid JSON throws, naming it.
 */
export function keyringFromSecrets(secrets: Secret[]): DockerKeyring {
  const keyring = new DockerKeyring();
  for (const s of secrets) {
    const name = `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
    const json = s.data?.[DOCKER_CONFIG_JSON_KEY];
    const cfg = s.data?.[DOCKER_CONFIG_KEY];
    if (s.type === 'kubernetes.io/dockerconfigjson' && json) {
      const parsed = parseJson(json, name) as { auths?: unknown };
      keyring.add(entries(parsed.auths ?? {}, name));
    } else if (s.type === 'kubernetes.io/dockercfg' && cfg) {
      keyring.add(entries(parseJson(cfg, name), name));
    }
  }
  return keyring;
}

/** The CRI AuthConfig of a credential (no serverAddress: containerd then uses it for whichever host it contacts). */
export function authConfigOf(e: DockerConfigEntry): AuthConfig {
  return { username: e.username, password: e.password };
}

/**
 * The image's repository, normalized as docker's ParseNormalizedNamed:
 * no tag or digest, Docker Hub as "docker.io" ("library/" for one-part names).
 */
export function repositoryOf(image: string): string {
  let name = image.split('@')[0]!;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  const i = name.indexOf('/');
  const first = i < 0 ? '' : name.slice(0, i);
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost')) {
    return `docker.io/${i < 0 ? `library/${name}` : name}`;
  }
  return first === 'index.docker.io' ? `docker.io${name.slice(i)}` : name;
}

/** Whether pulling `repo` goes to Docker Hub (keyring.go isDefaultRegistryMatch). */
export function isDefaultRegistryMatch(repo: string): boolean {
  const i = repo.indexOf('/');
  if (i === 0 || repo === '') return false;
  if (i < 0) return true;
  const first = repo.slice(0, i);
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first) && first !== 'localhost';
}

/** Whether schemeless URL `glob` (a keyring key) matches `target` (keyring.go URLsMatch). */
export function urlsMatch(glob: string, target: string): boolean {
  const g = splitURL(glob);
  const t = splitURL(target);
  if (g.port !== t.port || g.labels.length !== t.labels.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return g.labels.every((label, i) => globMatch(label, t.labels[i]!));
}

function keyOf(loc: string): string | undefined {
  const rest = loc.replace(/^https?:\/\//, '');
  const i = rest.indexOf('/');
  const host = i < 0 ? rest : rest.slice(0, i);
  if (!host) return undefined;
  let path = i < 0 ? '' : rest.slice(i);
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path !== '' && path !== '/' ? host + path : host;
}

function splitURL(s: string): { labels: string[]; port: string; path: string } {
  const i = s.indexOf('/');
  const hostPort = i < 0 ? s : s.slice(0, i);
  const path = i < 0 ? '' : s.slice(i);
  const m = /^(.*):(\d*)$/.exec(hostPort);
  const host = m && !hostPort.endsWith(']') ? m[1]! : hostPort;
  return { labels: host.split('.'), port: m && !hostPort.endsWith(']') ? m[2]! : '', path };
}

/** Go's filepath.Match on one host label: `*`, `?` and `[...]`. */
function globMatch(pattern: string, s: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      re += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(s);
}

function parseJson(base64: string, name: string): unknown {
  try {
    return JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as unknown;
  } catch (e) {
    throw new Error(`image pull secret ${name}: ${(e as Error).message}`);
  }
}

function entries(v: unknown, name: string): Record<string, DockerConfigEntry> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`image pull secret ${name}: want a map of registries`);
  const out: Record<string, DockerConfigEntry> = {};
  for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as { username?: unknown; password?: unknown; auth?: unknown };
    let username = typeof e.username === 'string' ? e.username : '';
    let password = typeof e.password === 'string' ? e.password : '';
    if (typeof e.auth === 'string' && e.auth !== '') {
      const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new Error(`image pull secret ${name}: registry ${k}: unable to parse auth field, must be formatted as base64(username:password)`);
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    out[k] = { username, password };
  }
  return out;
}
