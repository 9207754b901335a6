/**
 * Node's network errors in the words of Go's net package, because upstream's
 * messages (and what users search for) carry them: `dial tcp
 * 10.0.0.5:10250: connect: connection refused`.
 */

const GO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ETIMEDOUT: 'i/o timeout',
  ECONNRESET: 'read: connection reset by peer',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'no such host',
};

/** `dial tcp <host:port>: <cause>` for an error met while dialing `url`. */
export function dialErrorText(err: unknown, url: URL): string {
  const e = err as NodeJS.ErrnoException;
  const hostPort = url.host;
  if (e?.code && GO_TEXT[e.code]) return `dial tcp ${hostPort}: ${GO_TEXT[e.code]}`;
  if (e?.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || e?.code === 'SELF_SIGNED_CERT_IN_CHAIN' || e?.code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  }
  if (e?.code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `tls: failed to verify certificate: x509: ${e.message}`;
  return `dial tcp ${hostPort}: ${e?.message ?? String(err)}`;
}
