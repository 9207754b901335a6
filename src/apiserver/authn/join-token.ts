/**
 * The join token, in k3s's format: `K10<ca-hash>::<username>:<password>`,
 * where <ca-hash> is the sha256 (hex) of the CA bundle the server serves at
 * /cacerts, and the credentials are `server:<secret>`. A node that knows the
 * token can check the server it reaches (the CA hash) and prove itself to it
 * (the credentials). As in k3s (pkg/clientaccess/token.go), a bare secret
 * with no `K10...::` prefix is accepted and means `server:<secret>`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AUTHENTICATED_GROUP, type UserInfo } from './user-info.js';

const TOKEN_PREFIX = 'K10';
const SERVER_USER = 'server';

/** The user a request authenticated by the join token acts as. */
export const JOIN_TOKEN_USER: UserInfo = { name: 'system:k8ts:agent', groups: ['system:k8ts:agents', AUTHENTICATED_GROUP] };

/** A parsed join token. */
export interface JoinToken {
  /** sha256 hex of the server's CA bundle; absent for a bare secret (the CA is then trusted on first use). */
  caHash?: string;
  /** `server:<secret>`. */
  credentials: string;
}

/** sha256 hex of the CA bundle exactly as /cacerts serves it. */
export function caHash(caPem: string | Buffer): string {
  return createHash('sha256').update(caPem).digest('hex');
}

/** A new random secret: 32 hex digits, as k3s generates. */
export function newJoinSecret(): string {
  return randomBytes(16).toString('hex');
}

export function formatJoinToken(caPem: string | Buffer, secret: string): string {
  return `${TOKEN_PREFIX}${caHash(caPem)}::${SERVER_USER}:${secret}`;
}

/**
 * Parses a token as given to `--token`; throws an Error saying what is wrong
 * (never quoting the secret) when it is empty, has a malformed K10 hash or
 * an empty secret.
 */
export function parseJoinToken(text: string): JoinToken {
  const token = text.trim();
  if (token === '') throw new Error('the join token is empty');
  if (!token.startsWith(TOKEN_PREFIX) || !token.includes('::')) return { credentials: credentialsOf(token) };
  const sep = token.indexOf('::');
  const hash = token.slice(TOKEN_PREFIX.length, sep).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error('the join token is malformed: want K10<sha256 hex of the CA>::server:<secret>');
  return { caHash: hash, credentials: credentialsOf(token.slice(sep + 2)) };
}

function credentialsOf(part: string): string {
  const i = part.indexOf(':');
  const [user, secret] = i < 0 ? [SERVER_USER, part] : [part.slice(0, i), part.slice(i + 1)];
  if (user !== SERVER_USER || secret === '') throw new Error('the join token is malformed: want K10<sha256 hex of the CA>::server:<secret>');
  return `${SERVER_USER}:${secret}`;
}

/** The secret part of a server's token (what `--token` on the server sets). */
export function joinSecretOf(token: string): string {
  return parseJoinToken(token).credentials.slice(SERVER_USER.length + 1);
}

/**
 * Authenticates a request whose `Authorization: Bearer` value is the
 * server's full join token or its `server:<secret>` part, compared in
 * constant time. Returns JOIN_TOKEN_USER, or undefined (never throws) for
 * any other request, so that the caller answers 401. `serverToken` must be a
 * token formatJoinToken made.
 */
export function joinTokenAuthenticator(serverToken: string): (req: IncomingMessage) => UserInfo | undefined {
  const full = Buffer.from(serverToken);
  const credentials = Buffer.from(parseJoinToken(serverToken).credentials);
  return (req) => {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return undefined;
    const given = Buffer.from(m[1]!);
    return equal(given, full) || equal(given, credentials) ? JOIN_TOKEN_USER : undefined;
  };
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
