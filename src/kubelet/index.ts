/**
 * The node agent's foundation (issue 12): everything a kubelet needs below
 * its pod workers.
 * - runtime/cri: the CRI v1 client (RuntimeService, ImageService) over gRPC;
 * - containerd: k8ts's own containerd (config, paths, supervision) and the
 *   containerd services an image import needs;
 * - images: OCI image building (busybox, pause), import of OCI-layout and
 *   docker archives, the air-gap folder;
 * - network: the one-node CNI bridge config;
 * - node-requirements: what the machine must provide;
 * - pod-workers: the pure planner of a pod worker (computePodActions),
 *   CrashLoopBackOff, and pod status from runtime state.
 * - kuberuntime: the pod workers' actor (syncPod) and the CRI configs;
 * - kubelet: the pod loop (one worker per pod, status writes, deletion);
 * - prober: liveness, readiness and startup probes;
 * - volumes: pod volumes, their CRI mounts, /etc/hosts;
 * - config: static pods from a manifest directory and a URL;
 * - mirror-pods: their copies in the API server.
 * - server: the kubelet's HTTPS server (port 10250), metrics and stats;
 * - logs: container log rotation and /var/log/containers;
 * - gc: garbage collection of dead containers and unused images.
 */
export * from './runtime/cri/index.js';
export { GrpcConnection } from './grpc/connection.js';
export { socketPathOf } from './grpc/endpoint.js';
export { nodePaths, type NodePaths, type NodePathOptions } from './containerd/paths.js';
export { renderContainerdConfig, DEFAULT_CNI_BIN_DIR, type ContainerdConfigOptions } from './containerd/config.js';
export { ContainerdSupervisor, type ContainerdSupervisorOptions } from './containerd/supervisor.js';
export { ContainerdClient, CRI_NAMESPACE, type ContentDescriptor } from './containerd/api/client.js';
export { buildOciImage, type BuildImageOptions, type BuiltImage, type ImageConfig } from './images/oci-layout.js';
export { buildBusyboxImage } from './images/busybox-image.js';
export { buildPauseImage, PAUSE_IMAGE } from './images/pause-image.js';
export { importImageArchives, importImageBuffer, type ImportedImage, type ImportOptions } from './images/import.js';
export { ensurePauseImage, importAirgapImages, airgapArchives } from './images/airgap.js';
export { writeBridgeConflist, renderBridgeConflist, CNI_CONFIG_FILE, type BridgeNetworkOptions } from './network/bridge-conflist.js';
export { waitForPodCIDRs, podCIDRsOf, type WaitForPodCIDRsOptions } from './network/node-pod-cidrs.js';
export * from './pod-workers/index.js';
export { missingNodeRequirements, findExecutable } from './node-requirements.js';
export * from './node-status/index.js';
export * from './kuberuntime/index.js';
export { Kubelet, type KubeletOptions } from './kubelet.js';
export { podStatusPatch } from './pod-status-patch.js';
export { CachedPodObjects, type PodObjects } from './pod-objects.js';
export * from './volumes/index.js';
export * from './config/index.js';
export { MirrorPods, type MirrorPodsOptions } from './mirror-pods.js';
export { LocalPathCleaner, isStrictlyInside, type LocalPathCleanerOptions } from './local-path-cleaner.js';
export * from './server/index.js';
export * from './logs/index.js';
export * from './gc/index.js';
