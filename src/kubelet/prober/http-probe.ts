/**
 * The httpGet probe (upstream's pkg/probe/http): 2xx and 3xx pass (a
 * redirect to another host passes with a warning), others fail with
 * "HTTP probe failed with statuscode: N"; no answer within the timeout, or
 * a refused connection, fails with the GET's error.
 */
import type { HTTPGetAction } from 'kubernetes-types/core/v1.js';
import type { ProbeOutcome } from './outcome.js';
import { handlerUrl, httpGet, probeHeaders } from './http-get.js';

export async function httpProbe(action: HTTPGetAction, host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  const url = handlerUrl(action.scheme ?? 'HTTP', action.host || host, port, action.path ?? '/');
  let res;
  try {
    res = await httpGet(url, probeHeaders(action.httpHeaders), timeoutSeconds * 1000);
  } catch (err) {
    return { result: 'Failure', output: err instanceof Error ? err.message : String(err) };
  }
  if (res.status >= 200 && res.status < 400) {
    if (res.otherHostRedirect) return { result: 'Success', output: `Probe terminated redirects, Response body: ${res.body}`, warning: true };
    return { result: 'Success', output: res.body };
  }
  return { result: 'Failure', output: `HTTP probe failed with statuscode: ${res.status}` };
}
