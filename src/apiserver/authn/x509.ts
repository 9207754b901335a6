import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { AUTHENTICATED_GROUP, type UserInfo } from './user-info.js';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

/** Per-connection result: a TLS peer cannot change its certificate mid-connection. */
const cache = new WeakMap<TLSSocket, UserInfo | null>();

/**
 * Authenticates a request by its TLS client certificate, as upstream's x509
 * authenticator does (k8s.io/apiserver/pkg/authentication/request/x509):
 * the user name is the subject CN, the groups are the subject O values (in
 * order) plus `system:authenticated`.
 *
 * Contract: the HTTPS server must be created with `requestCert: true`,
 * `rejectUnauthorized: false` and `ca: [caPem]`, so that clients without a
 * certificate still connect (and may be authenticated another way) and Node
 * reports in `socket.authorized` whether the chain verified against the CA.
 *
 * Returns undefined, never throws, when the request is not on TLS, the client
 * sent no certificate, the chain did not verify (unknown CA, expired, ...),
 * the certificate has an extKeyUsage without clientAuth, or its CN is empty.
 * The caller then tries other authenticators or answers 401. The returned
 * object is shared by all requests on the connection: do not mutate it.
 */
export function authenticateRequest(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const cached = cache.get(socket);
  if (cached !== undefined) return cached ?? undefined;
  const user = fromPeerCertificate(socket);
  cache.set(socket, user ?? null);
  return user;
}

function fromPeerCertificate(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  // An empty object means no certificate; `authorized` already excludes that.
  if (!cert || !cert.subject) return undefined;
  const usages = cert.ext_key_usage;
  if (usages && usages.length > 0 && !usages.includes(CLIENT_AUTH_OID)) return undefined;
  const name = values(cert.subject.CN)[0];
  if (!name) return undefined;
  const groups = [...new Set([...values(cert.subject.O), AUTHENTICATED_GROUP])];
  return { name, groups };
}

/** Node gives a multi-valued attribute as an array, despite its typing as string. */
function values(attr: string | string[] | undefined): string[] {
  if (attr === undefined) return [];
  return Array.isArray(attr) ? attr : [attr];
}
