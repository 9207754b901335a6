/**
 * Asks the k8ts server for a kubelet serving certificate signed by the
 * cluster CA (`POST /v1-k8ts/serving-kubelet.crt`, k3s's
 * /v1-k3s/serving-kubelet.crt), with the credentials the node already uses
 * for the API: its client certificate (system:node:<name>, or an admin's)
 * or a bearer token. The reply is the certificate PEM then the key PEM.
 */
import { request } from 'node:https';
import { certificateAndKeyOf, type CertificatePem } from '../../api/x509/certificate.js';
import { KUBELET_SERVING_CERT_PATH, NODE_IP_HEADER, NODE_NAME_HEADER } from '../../api/nodes/join.js';
import type { ConnectionConfig } from '../../client/index.js';

const TIMEOUT_MS = 10_000;

/** Resolves with the certificate and key; rejects with the server's answer when it refuses. */
export function requestServingCertificate(connection: ConnectionConfig, nodeName: string, ips: string[]): Promise<CertificatePem> {
  const url = new URL(KUBELET_SERVING_CERT_PATH, connection.server);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', timeout: TIMEOUT_MS,
      headers: {
        [NODE_NAME_HEADER]: nodeName, [NODE_IP_HEADER]: ips.join(','),
        ...(connection.token ? { authorization: `Bearer ${connection.token}` } : {}),
      },
      ...(connection.ca ? { ca: connection.ca } : {}), ...(connection.cert ? { cert: connection.cert } : {}),
      ...(connection.key ? { key: connection.key } : {}), ...(connection.tlsServerName ? { servername: connection.tlsServerName } : {}),
      rejectUnauthorized: !connection.insecureSkipTLSVerify,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`${url.href}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
          return;
        }
        const issued = certificateAndKeyOf(body);
        if (!issued) reject(new Error(`${url.href}: the answer holds no certificate and key`));
        else resolve(issued);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url.href}: no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}
