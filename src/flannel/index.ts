/** The agent's flannel: pod routes across nodes from Node objects (host-gw, vxlan) and its masquerade rules. */
export { startFlannel, type FlannelOptions, type RunningFlannel } from './flannel.js';
export { FLANNEL_BACKENDS, leaseOf, ownAnnotations, type FlannelBackend, type Lease } from './annotations.js';
export { planNetwork, VXLAN_DEVICE, type KernelState, type Plan, type PlanInput, type Step } from './plan.js';
export { masqueradeRules } from './masquerade.js';
