/** Defaulting of core/v1 pod specs and templates, and the pod admission extras. */
export { defaultPod, defaultPodSpec, defaultPodTemplateSpec } from './pod.js';
export { admitPod } from './admit-pod.js';
export { defaultContainer, defaultProbe, imageTag } from './container.js';
export { defaultVolume, DEFAULT_VOLUME_MODE } from './volume.js';
