/**
 * The Status written on the error stream (SPDY) or channel 3 (WebSocket)
 * by v4 and v5 of the remote-command protocol: JSON metav1.Status without
 * kind/apiVersion (kubelet pkg/kubelet/cri/streaming/remotecommand/exec.go,
 * apiserver pkg/util/proxy/streamtranslator.go, client-go
 * tools/remotecommand/v4.go errorDecoderV4).
 */
import type { Status } from 'kubernetes-types/meta/v1.js';
import { ExitCodeCauseType, NonZeroExitCodeReason } from './constants.js';

/** How a remote command ended, as a client reads the Status. */
export type RemoteCommandResult =
  | { kind: 'success' }
  | { kind: 'exit'; exitCode: number; message: string }
  | { kind: 'failure'; message: string };

export function successStatus(): Status {
  return { metadata: {}, status: 'Success' };
}

/** The NonZeroExitCode Status; `message` is what follows "command terminated with non-zero exit code: ". */
export function exitCodeStatus(exitCode: number, message = `command terminated with exit code ${exitCode}`): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${message}`,
    reason: NonZeroExitCodeReason,
    details: { causes: [{ reason: ExitCodeCauseType, message: String(exitCode) }] },
  };
}

/** Any other failure, as upstream's apierrors.NewInternalError. */
export function internalErrorStatus(message: string): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

/** The Status for a result, as the API server's stream translator writes it. */
export function statusOf(result: RemoteCommandResult): Status {
  switch (result.kind) {
    case 'success': return successStatus();
    case 'exit': return exitCodeStatus(result.exitCode, result.message);
    case 'failure': return internalErrorStatus(result.message);
  }
}

/**
 * Reads the error stream's bytes as client-go's v4 decoder does: empty or
 * Success is success; NonZeroExitCode with an ExitCode cause that parses as
 * a base-10 uint8 is an exit code; anything else is a failure with its
 * message (bytes that are not JSON are a failure too).
 */
export function parseStatus(bytes: Buffer | string): RemoteCommandResult {
  const text = bytes.toString();
  if (text.length === 0) return { kind: 'success' };
  let status: Status;
  try {
    status = JSON.parse(text) as Status;
  } catch {
    return { kind: 'failure', message: `error stream protocol error: ${text}` };
  }
  if (status?.status === 'Success') return { kind: 'success' };
  if (status?.status === 'Failure' && status.reason === NonZeroExitCodeReason) {
    const cause = status.details?.causes?.find((c) => c.reason === ExitCodeCauseType);
    if (!cause) return { kind: 'failure', message: `error stream protocol error: no ${ExitCodeCauseType} cause in ${text}` };
    const code = /^[0-9]+$/.test(cause.message ?? '') ? Number(cause.message) : NaN;
    if (!(code >= 0 && code <= 255)) return { kind: 'failure', message: `error stream protocol error: invalid exit code value ${JSON.stringify(cause.message)}` };
    return { kind: 'exit', exitCode: code, message: `command terminated with exit code ${code}` };
  }
  return { kind: 'failure', message: status?.message ?? text };
}
