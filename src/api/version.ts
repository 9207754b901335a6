/**
 * The Kubernetes version k8ts implements. The API server reports it at
 * /version; kubelets report it as nodeInfo.kubeletVersion, so the two agree.
 */
export const KUBERNETES_VERSION = { major: '1', minor: '33', patch: '0' };

/** `v1.33.0+k8ts`: upstream's gitVersion form, with k8ts as build metadata. */
export const KUBERNETES_GIT_VERSION = `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}+k8ts`;
