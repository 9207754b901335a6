/**
 * The kubelet's two doors to a container runtime, after upstream's
 * internalapi.RuntimeService and ImageManagerService. The kubelet depends on
 * these interfaces only: the remote (gRPC) implementation talks to
 * containerd, and a simulated runtime can implement the same contracts.
 *
 * Every method rejects with a GrpcError carrying the runtime's status code
 * (NotFound for an unknown ID, DeadlineExceeded when the call's deadline
 * passed, Unavailable when the runtime is down); nothing else is thrown.
 */
import type {
  AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStatusResponse, ExecSyncResponse,
  ContainerStats, ContainerStatsFilter, FilesystemUsage, Image, PodSandboxStats, PodSandboxStatsFilter, ImageSpec, ImageStatusResponse, PodSandbox, PodSandboxConfig, PodSandboxFilter,
  PodSandboxStatusResponse, StatusResponse, StreamOptions, VersionResponse,
} from './types.js';

export interface RuntimeService {
  /** The runtime's name and versions; `apiVersion` is the caller's CRI version ("v1"). */
  version(apiVersion: string): Promise<VersionResponse>;

  /** The RuntimeReady and NetworkReady conditions (and debug info when verbose). */
  status(verbose?: boolean): Promise<StatusResponse>;

  /** Tells the runtime the node's pod CIDR; an empty CIDR changes nothing. */
  updateRuntimeConfig(podCidr: string): Promise<void>;

  /**
   * Creates and starts a sandbox (network namespace, pause process) and
   * resolves with its ID once it is ready. The sandbox image is the
   * runtime's own setting. Metadata (name, namespace, uid, attempt) must be
   * unique among existing sandboxes.
   */
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;

  /**
   * Stops every process of the sandbox and releases its network. Idempotent:
   * stopping a stopped sandbox succeeds.
   */
  stopPodSandbox(podSandboxId: string): Promise<void>;

  /** Removes a sandbox and its containers, killing what still runs. Idempotent. */
  removePodSandbox(podSandboxId: string): Promise<void>;

  /** The sandbox's state and IPs; rejects with NotFound for an unknown ID. */
  podSandboxStatus(podSandboxId: string, verbose?: boolean): Promise<PodSandboxStatusResponse>;

  /** Sandboxes matching every field of the filter (all when none). */
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  /**
   * Creates (does not start) a container in a sandbox and resolves with its
   * ID. `sandboxConfig` must be the config the sandbox was created with.
   */
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;

  /** Starts a created container. */
  startContainer(containerId: string): Promise<void>;

  /**
   * Sends the image's stop signal (else SIGTERM), and SIGKILL after
   * `timeoutSeconds` (0: at once). Resolves once the container has exited.
   * Idempotent. The call's deadline is the timeout plus the usual one.
   */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;

  /** Removes a container, killing it first if it runs. Idempotent. */
  removeContainer(containerId: string): Promise<void>;

  /** Containers matching every field of the filter (all when none). */
  listContainers(filter?: ContainerFilter): Promise<Container[]>;

  /** The container's state, times, exit code and reason; NotFound for an unknown ID. */
  containerStatus(containerId: string, verbose?: boolean): Promise<ContainerStatusResponse>;

  /**
   * Runs `cmd` in a running container and resolves with its output and exit
   * code (a non-zero exit is not an error). `timeoutSeconds` 0 means no
   * limit; otherwise the call's deadline is the timeout plus the usual one.
   */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;

  /**
   * Prepares an exec session and resolves with its URL on the runtime's
   * streaming server (`{base}/exec/{token}`: single use, valid about a
   * minute), which the kubelet proxies the client's upgrade to. At least one
   * stream must be asked for; with `tty`, not stderr.
   */
  exec(containerId: string, cmd: string[], streams: StreamOptions): Promise<string>;

  /** As exec, for the container's own process (`{base}/attach/{token}`); `tty` must match the container's. */
  attach(containerId: string, streams: StreamOptions): Promise<string>;

  /**
   * Prepares a port-forward session into the sandbox's network namespace
   * (`{base}/portforward/{token}`). `ports` may be empty: the client then
   * names each port in its stream headers.
   */
  portForward(podSandboxId: string, ports: number[]): Promise<string>;

  /**
   * Makes the runtime close the container's log file and open its log path
   * again (after the kubelet renamed the file to rotate it). Fails when the
   * container is not running.
   */
  reopenContainerLog(containerId: string): Promise<void>;

  /** CPU, memory and writable layer use of the containers matching the filter (running ones, for containerd). */
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]>;

  /**
   * CPU, memory, network and process use of the sandboxes matching the
   * filter, each with its containers' stats. containerd 1.6 implements it
   * on Linux; a runtime that does not rejects with Unimplemented.
   */
  listPodSandboxStats(filter?: PodSandboxStatsFilter): Promise<PodSandboxStats[]>;
}

export interface ImageService {
  /** Images the runtime has, optionally only those matching `filter.image`. */
  listImages(filter?: ImageSpec): Promise<Image[]>;

  /** The image, or a response without `image` when the runtime does not have it. */
  imageStatus(image: ImageSpec, verbose?: boolean): Promise<ImageStatusResponse>;

  /**
   * Pulls an image and resolves with its reference (containerd: the image
   * ID), which is what ContainerConfig.image must carry. Has no deadline.
   */
  pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string>;

  /** Removes an image. Idempotent. */
  removeImage(image: ImageSpec): Promise<void>;

  /** Usage of the filesystem(s) holding images. */
  imageFsInfo(): Promise<FilesystemUsage[]>;
}
