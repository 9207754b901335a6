/**
 * The names and numbers of the remote-command (exec, attach) and
 * port-forward protocols (apimachinery pkg/util/remotecommand/constants.go,
 * pkg/util/httpstream/httpstream.go, pkg/util/portforward/constants.go; core
 * v1 types.go for the kubelet's query names).
 */

/** Subprotocols of exec/attach, newest first: SPDY X-Stream-Protocol-Version values and WebSocket subprotocols. */
export const StreamProtocolV5 = 'v5.channel.k8s.io';
export const StreamProtocolV4 = 'v4.channel.k8s.io';
export const StreamProtocolV3 = 'v3.channel.k8s.io';
export const StreamProtocolV2 = 'v2.channel.k8s.io';
export const StreamProtocolV1 = 'channel.k8s.io';

/** The SPDY port-forward protocol, and the prefix that tunnels it over WebSocket (`SPDY/3.1+portforward.k8s.io`). */
export const PortForwardProtocolV1 = 'portforward.k8s.io';
export const WebSocketTunnelPrefix = 'SPDY/3.1+';

/** The HTTP upgrade of a SPDY session. */
export const SpdyUpgrade = 'SPDY/3.1';
export const StreamProtocolVersionHeader = 'X-Stream-Protocol-Version';
export const AcceptedStreamProtocolVersionsHeader = 'X-Accepted-Stream-Protocol-Versions';

/** SPDY stream headers (lower case on the wire). */
export const StreamTypeHeader = 'streamtype';
export const PortHeader = 'port';
export const PortForwardRequestIdHeader = 'requestid';

/** Values of the streamtype header. */
export const StreamType = {
  Error: 'error',
  Stdin: 'stdin',
  Stdout: 'stdout',
  Stderr: 'stderr',
  Resize: 'resize',
  Data: 'data',
} as const;

/** WebSocket channel numbers (the first byte of every binary message). */
export const Channel = {
  Stdin: 0,
  Stdout: 1,
  Stderr: 2,
  Error: 3,
  Resize: 4,
} as const;

/** v5: a client message `[StreamClose, channel]` closes that channel's reader. */
export const StreamClose = 0xff;

/** The kubelet's exec/attach query names (`input=1`, not `stdin=true`). */
export const KubeletExecQuery = {
  Stdin: 'input',
  Stdout: 'output',
  Stderr: 'error',
  Tty: 'tty',
  Command: 'command',
} as const;

/** How long either side waits for the other's streams (DefaultStreamCreationTimeout). */
export const DefaultStreamCreationTimeoutMs = 30_000;

/** Reason and cause type of the Status that carries an exit code. */
export const NonZeroExitCodeReason = 'NonZeroExitCode';
export const ExitCodeCauseType = 'ExitCode';
