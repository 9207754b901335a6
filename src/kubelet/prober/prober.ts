/**
 * One probe of one container (upstream's prober.probe in
 * pkg/kubelet/prober/prober.go): runs the probe's handler, retrying up to 3
 * times when it cannot run at all, and records a Warning Event `Unhealthy`
 * ("<Type> probe failed: <output>") for every failure, `ProbeWarning` for a
 * pass with a warning.
 */
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import type { ProbeResult, ProbeType } from './results.js';
import type { ProbeOutcome } from './outcome.js';
import { execProbe } from './exec-probe.js';
import { httpProbe } from './http-probe.js';
import { tcpProbe } from './tcp-probe.js';
import { grpcProbe } from './grpc-probe.js';
import { resolveContainerPort } from './port.js';

const MAX_PROBE_RETRIES = 3;

/** Where probe Events go (the kubelet's EventRecorder on the pod). */
export interface ProbeEventSink {
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ProbeTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  /** The pod's IP, the host of httpGet, tcpSocket and grpc probes that name none. */
  podIP: string;
}

/** Runs a probe's handler once. Rejects when the probe could not run (upstream's probe error). */
export type ProbeRunner = (type: ProbeType, probe: Probe, target: ProbeTarget) => Promise<ProbeOutcome>;

/** The real handlers: exec through the runtime, httpGet, tcpSocket and grpc over the pod network. */
export function handlerRunner(runtime: RuntimeService): ProbeRunner {
  return async (_type, probe, t) => {
    const timeout = probe.timeoutSeconds ?? 1;
    if (probe.exec) return execProbe(runtime, t.containerId, probe.exec.command ?? [], timeout);
    const host = (h?: string): string => {
      if (h) return h;
      if (!t.podIP) throw new Error('the pod has no IP yet');
      return t.podIP;
    };
    if (probe.httpGet) return httpProbe(probe.httpGet, host(probe.httpGet.host), resolveContainerPort(probe.httpGet.port, t.container), timeout);
    if (probe.tcpSocket) return tcpProbe(host(probe.tcpSocket.host), resolveContainerPort(probe.tcpSocket.port, t.container), timeout);
    if (probe.grpc) return grpcProbe(host(), probe.grpc.port, probe.grpc.service ?? '', timeout);
    throw new Error('missing probe handler');
  };
}

/**
 * Probes `target` once (with retries) and returns the result: Success or
 * Failure, or Unknown when every try errored (recorded as "<Type> probe
 * errored: ..."; the worker throws that result away).
 */
export async function probeContainer(type: ProbeType, probe: Probe, target: ProbeTarget, run: ProbeRunner, events?: ProbeEventSink): Promise<{ result: ProbeResult; output: string }> {
  let lastErr: unknown;
  for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
    let o: ProbeOutcome;
    try {
      o = await run(type, probe, target);
    } catch (err) {
      lastErr = err;
      continue;
    }
    if (o.result === 'Failure') events?.event(target.pod, 'Warning', 'Unhealthy', `${type} probe failed: ${o.output}`);
    else if (o.warning) events?.event(target.pod, 'Warning', 'ProbeWarning', `${type} probe warning: ${o.output}`);
    return { result: o.result, output: o.output };
  }
  const msg = lastErr instanceof Error ? lastErr.message : String(lastErr);
  events?.event(target.pod, 'Warning', 'Unhealthy', `${type} probe errored: ${msg}`);
  return { result: 'Unknown', output: msg };
}
