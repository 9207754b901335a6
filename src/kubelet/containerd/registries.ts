/**
 * k3s's registries.yaml (private registry configuration), parsed strictly
 * and rendered the way k3s renders it for containerd:
 *
 * - mirrors and TLS go to containerd's registry config_path as one
 *   `<host>/hosts.toml` per registry (containerd's hosts.toml format);
 *   plain `http://` endpoints are hosts with an http URL;
 * - auth cannot be said in hosts.toml, so, as k3s does, it goes to the CRI
 *   plugin's `registry.configs."<host>".auth` in config.toml, which
 *   containerd 1.6 still reads beside config_path (it refuses only
 *   `configs.tls` and `mirrors` there, see containerd's
 *   pkg/cri/config ValidatePluginConfig).
 *
 * `rewrite` is parsed and checked but not rendered: only k3s's containerd
 * fork knows hosts.toml rewrites; stock containerd would ignore them
 * silently, so `unsupportedRewrites` lets the caller say so.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, isMap, parseDocument, type Document } from 'yaml';

export interface RegistryMirror {
  /** Endpoint URLs, tried in order before the registry itself; a bare host means https. */
  endpoint: string[];
  /** regex → replacement on the repository path (k3s's containerd fork only). */
  rewrite: Record<string, string>;
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  /** base64 of "username:password". */
  auth?: string;
  identitytoken?: string;
}

export interface RegistryTLS {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  insecure_skip_verify?: boolean;
}

export interface RegistryConfig {
  auth?: RegistryAuth;
  tls?: RegistryTLS;
}

/** The parsed file; keys of `configs` are registry hosts ("host" or "host:port"). */
export interface Registries {
  mirrors: Record<string, RegistryMirror>;
  configs: Record<string, RegistryConfig>;
}

/** A registries.yaml that k8ts refuses; the message names the file and line. */
export class RegistriesError extends Error {}

export const EMPTY_REGISTRIES: Registries = Object.freeze({ mirrors: {}, configs: {} }) as Registries;

/** The file at `path`; EMPTY_REGISTRIES when it does not exist. Throws RegistriesError on bad content. */
export function readRegistriesFile(path: string): Registries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_REGISTRIES;
    throw new RegistriesError(`${path}: ${(e as Error).message}`);
  }
  return parseRegistries(text, path);
}

const AUTH_KEYS = ['username', 'password', 'auth', 'identitytoken'] as const;
const TLS_FILE_KEYS = ['ca_file', 'cert_file', 'key_file'] as const;

/** Parses registries.yaml text; `file` names it in errors. Throws RegistriesError. */
export function parseRegistries(text: string, file: string): Registries {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const at = lines.linePos(first.pos[0]);
    throw new RegistriesError(`${file}:${at.line}: ${first.message.split('\n')[0]}`);
  }
  const fail = (path: Array<string>, what: string): never => {
    throw new RegistriesError(`${file}:${lineOf(doc, lines, path)}: ${path.join('.') || 'document'}: ${what}`);
  };
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return { mirrors: {}, configs: {} };
  const top = objectAt(root, [], fail);
  for (const k of Object.keys(top)) if (k !== 'mirrors' && k !== 'configs') fail([k], 'unknown key (want mirrors or configs)');
  const out: Registries = { mirrors: {}, configs: {} };
  for (const [name, value] of Object.entries(objectAt(top['mirrors'] ?? {}, ['mirrors'], fail))) {
    const path = ['mirrors', name];
    checkRegistryName(name, path, fail, true);
    const m = objectAt(value ?? {}, path, fail);
    for (const k of Object.keys(m)) if (k !== 'endpoint' && k !== 'rewrite') fail([...path, k], 'unknown key (want endpoint or rewrite)');
    const endpoints = m['endpoint'] ?? [];
    if (!Array.isArray(endpoints)) fail([...path, 'endpoint'], 'want a list of URLs');
    const endpoint = (endpoints as unknown[]).map((e, i) => endpointURL(e, [...path, 'endpoint', String(i)], fail));
    const rewrite: Record<string, string> = {};
    for (const [re, to] of Object.entries(objectAt(m['rewrite'] ?? {}, [...path, 'rewrite'], fail))) {
      try {
        new RegExp(re);
      } catch (e) {
        fail([...path, 'rewrite', re], `invalid regular expression: ${(e as Error).message}`);
      }
      if (typeof to !== 'string') fail([...path, 'rewrite', re], 'want a string replacement');
      rewrite[re] = to as string;
    }
    out.mirrors[name] = { endpoint, rewrite };
  }
  for (const [host, value] of Object.entries(objectAt(top['configs'] ?? {}, ['configs'], fail))) {
    const path = ['configs', host];
    checkRegistryName(host, path, fail, false);
    const c = objectAt(value ?? {}, path, fail);
    const config: RegistryConfig = {};
    for (const k of Object.keys(c)) if (k !== 'auth' && k !== 'tls') fail([...path, k], 'unknown key (want auth or tls)');
    if (c['auth'] !== undefined && c['auth'] !== null) {
      const a = objectAt(c['auth'], [...path, 'auth'], fail);
      const auth: RegistryAuth = {};
      for (const [k, v] of Object.entries(a)) {
        if (!(AUTH_KEYS as readonly string[]).includes(k)) fail([...path, 'auth', k], `unknown key (want one of ${AUTH_KEYS.join(', ')})`);
        if (typeof v !== 'string') fail([...path, 'auth', k], 'want a string');
        auth[k as typeof AUTH_KEYS[number]] = v as string;
      }
      config.auth = auth;
    }
    if (c['tls'] !== undefined && c['tls'] !== null) {
      const t = objectAt(c['tls'], [...path, 'tls'], fail);
      const tls: RegistryTLS = {};
      for (const [k, v] of Object.entries(t)) {
        if (k === 'insecure_skip_verify') {
          if (typeof v !== 'boolean') fail([...path, 'tls', k], 'want true or false');
          tls.insecure_skip_verify = v as boolean;
        } else if ((TLS_FILE_KEYS as readonly string[]).includes(k)) {
          if (typeof v !== 'string' || !v.startsWith('/')) fail([...path, 'tls', k], 'want an absolute file path');
          tls[k as typeof TLS_FILE_KEYS[number]] = v as string;
        } else {
          fail([...path, 'tls', k], 'unknown key (want ca_file, cert_file, key_file or insecure_skip_verify)');
        }
      }
      if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) fail([...path, 'tls'], 'cert_file and key_file go together');
      config.tls = tls;
    }
    out.configs[host] = config;
  }
  return out;
}

/** Mirror names whose `rewrite` this containerd will not apply. */
export function unsupportedRewrites(r: Registries): string[] {
  return Object.entries(r.mirrors).filter(([, m]) => Object.keys(m.rewrite).length > 0).map(([n]) => n);
}

/**
 * hosts.toml text per directory name under config_path: one for every
 * mirror (its endpoints in order, each with the TLS of its host's config;
 * the registry itself as `server`, Docker Hub's real host for docker.io;
 * "*" is containerd's `_default`), and one for every config with TLS that
 * no mirror names.
 */
export function renderRegistryHosts(r: Registries): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, m] of Object.entries(r.mirrors)) {
    const lines = ['# Written by k8ts from registries.yaml on every start; edits are lost.'];
    if (name !== '*') {
      lines.push(`server = ${str(serverOf(name))}`);
      lines.push(...tlsLines(r.configs[name]?.tls, ''));
    }
    for (const url of m.endpoint) {
      lines.push('', `[host.${str(url)}]`, '  capabilities = ["pull", "resolve"]');
      lines.push(...tlsLines(r.configs[new URL(url).host]?.tls, '  '));
    }
    files.set(name === '*' ? '_default' : name, `${lines.join('\n')}\n`);
  }
  for (const [host, c] of Object.entries(r.configs)) {
    if (files.has(host) || !c.tls) continue;
    const lines = ['# Written by k8ts from registries.yaml on every start; edits are lost.', `server = ${str(serverOf(host))}`, ...tlsLines(c.tls, '')];
    files.set(host, `${lines.join('\n')}\n`);
  }
  return files;
}

/**
 * Replaces everything under `dir` (containerd's config_path, k8ts's own)
 * with the hosts.toml files of `r`, so a registry removed from the file is
 * gone from containerd too.
 */
export function writeRegistryHosts(dir: string, r: Registries): void {
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  for (const e of readdirSync(dir)) rmSync(join(dir, e), { recursive: true, force: true });
  for (const [name, text] of renderRegistryHosts(r)) {
    mkdirSync(join(dir, name), { mode: 0o711 });
    writeFileSync(join(dir, name, 'hosts.toml'), text, { mode: 0o600 });
  }
}

/** The CRI plugin's `registry.configs."<host>".auth` tables for config.toml ('' if none). */
export function renderRegistryAuth(r: Registries): string {
  const out: string[] = [];
  for (const [host, c] of Object.entries(r.configs)) {
    if (!c.auth) continue;
    out.push('', `[plugins."io.containerd.grpc.v1.cri".registry.configs.${str(host)}.auth]`);
    for (const k of AUTH_KEYS) if (c.auth[k] !== undefined) out.push(`  ${k} = ${str(c.auth[k]!)}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

function serverOf(name: string): string {
  return name === 'docker.io' ? 'https://registry-1.docker.io' : `https://${name}`;
}

function tlsLines(tls: RegistryTLS | undefined, indent: string): string[] {
  if (!tls) return [];
  const out: string[] = [];
  if (tls.ca_file) out.push(`${indent}ca = ${str(tls.ca_file)}`);
  if (tls.cert_file && tls.key_file) out.push(`${indent}client = [[${str(tls.cert_file)}, ${str(tls.key_file)}]]`);
  if (tls.insecure_skip_verify !== undefined) out.push(`${indent}skip_verify = ${tls.insecure_skip_verify}`);
  return out;
}

type Fail = (path: string[], what: string) => never;

function objectAt(v: unknown, path: string[], fail: Fail): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'want a mapping');
  return v as Record<string, unknown>;
}

/** A registry host[:port] (or "*" for a mirror): what containerd looks hosts.toml up by. */
function checkRegistryName(name: string, path: string[], fail: Fail, wildcard: boolean): void {
  if (wildcard && name === '*') return;
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/.test(name) && !/^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(name)) {
    fail(path, 'not a registry host (want host or host:port, no scheme or path)');
  }
}

/** k3s: an endpoint without a scheme is https. */
function endpointURL(v: unknown, path: string[], fail: Fail): string {
  if (typeof v !== 'string' || v === '') return fail(path, 'want a URL string');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return fail(path, `invalid URL ${JSON.stringify(v)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') fail(path, `URL scheme ${u.protocol} (want http or https)`);
  if (u.search || u.hash || u.username) fail(path, 'URL with query, fragment or credentials (put credentials under configs)');
  return withScheme.replace(/\/+$/, '');
}

function lineOf(doc: Document, lines: LineCounter, path: string[]): number {
  for (let n = path.length; n > 0; n--) {
    const parent = n > 1 ? doc.getIn(path.slice(0, n - 1), true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value?.toString() === path[n - 1]);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

function str(s: string): string {
  return JSON.stringify(s);
}
