/**
 * The serviceAccountToken source of projected volumes: a TokenRequest
 * (POST serviceaccounts/<name>/token) for the pod's service account, bound
 * to the pod, with the source's audience and expirationSeconds (default
 * 3600, upstream's default). An API server that does not serve the
 * subresource answers 404; the volume then fails with a message that says
 * so, and the pod waits. A token is reused until 80% of its lifetime has
 * passed, as upstream's token manager refreshes it (pkg/kubelet/token).
 */
import type { Pod, ServiceAccountTokenProjection } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/index.js';
import { VolumeSetUpError } from './volume-error.js';

interface CachedToken { token: string; refreshAt: number; expiresAt: number }
const tokens = new Map<string, CachedToken>();

export async function requestServiceAccountToken(volumeName: string, pod: Pod, src: ServiceAccountTokenProjection, client: RestClient | undefined, now = Date.now()): Promise<string> {
  const ns = pod.metadata?.namespace ?? 'default';
  const sa = pod.spec?.serviceAccountName || 'default';
  const expirationSeconds = src.expirationSeconds ?? 3600;
  const key = `${pod.metadata?.uid ?? ''}/${sa}/${src.audience ?? ''}/${expirationSeconds}`;
  for (const [k, t] of tokens) if (t.expiresAt <= now) tokens.delete(k);
  const hit = tokens.get(key);
  if (hit && now < hit.refreshAt) return hit.token;
  if (!client) throw new VolumeSetUpError(volumeName, 'serviceAccountToken: the kubelet has no API client to request a token with');
  const body = {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
    spec: {
      audiences: src.audience ? [src.audience] : [],
      expirationSeconds,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
    },
  };
  let res: { status?: { token?: string } } | undefined;
  try {
    res = await client.request('POST', `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`, { body });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 404 || code === 405) {
      throw new VolumeSetUpError(volumeName, `failed to fetch token: the API server does not serve serviceaccounts/token (TokenRequest) for ${ns}/${sa}`);
    }
    throw new VolumeSetUpError(volumeName, `failed to fetch token: ${e instanceof Error ? e.message : String(e)}`);
  }
  const token = res?.status?.token;
  if (!token) throw new VolumeSetUpError(volumeName, 'failed to fetch token: the TokenRequest answer has no token');
  tokens.set(key, { token, refreshAt: now + expirationSeconds * 800, expiresAt: now + expirationSeconds * 1000 });
  return token;
}
