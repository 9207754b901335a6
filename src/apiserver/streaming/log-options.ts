/**
 * PodLogOptions from the query of GET pods/{name}/log, validated as
 * upstream's ValidatePodLogOptions does, and the kubelet's
 * /containerLogs query built from them (strategy.go LogLocation).
 */
import { badRequest, invalid } from '../../api/errors.js';
import { forbiddenField, invalidValue, notSupported, type FieldError } from '../../api/field-errors.js';
import { queryBool, queryInt } from './query-params.js';

export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  insecureSkipTLSVerifyBackend: boolean;
  sinceSeconds?: number;
  /** RFC 3339, seconds precision, UTC. */
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

/** Parses and validates; 400 for what does not parse, 422 Invalid (kind PodLogOptions) for values out of range. */
export function parsePodLogOptions(q: URLSearchParams, podName: string): PodLogOptions {
  const opts: PodLogOptions = {
    container: q.get('container') ?? '',
    follow: queryBool(q, 'follow'),
    previous: queryBool(q, 'previous'),
    timestamps: queryBool(q, 'timestamps'),
    insecureSkipTLSVerifyBackend: queryBool(q, 'insecureSkipTLSVerifyBackend'),
  };
  const sinceSeconds = queryInt(q, 'sinceSeconds');
  const tailLines = queryInt(q, 'tailLines');
  const limitBytes = queryInt(q, 'limitBytes');
  const sinceTimeRaw = q.get('sinceTime');
  if (sinceSeconds !== undefined) opts.sinceSeconds = sinceSeconds;
  if (tailLines !== undefined) opts.tailLines = tailLines;
  if (limitBytes !== undefined) opts.limitBytes = limitBytes;
  if (sinceTimeRaw) {
    const ms = RFC3339.test(sinceTimeRaw) ? Date.parse(sinceTimeRaw) : NaN;
    if (!Number.isFinite(ms)) {
      throw badRequest(`parsing time ${JSON.stringify(sinceTimeRaw)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTimeRaw)} as "2006"`);
    }
    opts.sinceTime = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errs.push(invalidValue('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errs.push(invalidValue('limitBytes', opts.limitBytes, 'must be greater than 0'));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(forbiddenField('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(invalidValue('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  const stream = q.get('stream');
  // Alpha upstream (PodLogsQuerySplitStreams); the kubelet here serves both streams together only.
  if (stream !== null && stream !== 'All') errs.push(notSupported('stream', stream, ['All']));
  if (errs.length > 0) throw invalid({ group: '', resource: 'pods', kind: 'PodLogOptions', name: podName }, errs);
  return opts;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The kubelet's query: only the options that are set, keys sorted (Go's url.Values.Encode). */
export function kubeletLogQuery(o: PodLogOptions): string {
  const p: [string, string][] = [];
  if (o.follow) p.push(['follow', 'true']);
  if (o.limitBytes !== undefined) p.push(['limitBytes', String(o.limitBytes)]);
  if (o.previous) p.push(['previous', 'true']);
  if (o.sinceSeconds !== undefined) p.push(['sinceSeconds', String(o.sinceSeconds)]);
  if (o.sinceTime !== undefined) p.push(['sinceTime', o.sinceTime]);
  if (o.tailLines !== undefined) p.push(['tailLines', String(o.tailLines)]);
  if (o.timestamps) p.push(['timestamps', 'true']);
  return new URLSearchParams(p).toString();
}
