/**
 * Simulated nodes, as kwok provides them: one process registers thousands of
 * nodes, renews their Leases and moves the pods bound to them through
 * stages, from one shared node informer and one shared pod informer (no
 * per-node watch). This is deliberately not a kubelet: src/kubelet is one
 * process per node with a runtime; here one loop pretends to be many
 * kubelets, for scale tests and for testing controllers without containers.
 */
export { startSimulatedNodes, DEFAULT_CAPACITY, type SimulatedNodesOptions, type SimulatedNodes } from './simulated-nodes.js';
export { SIMULATED_LABEL, STOPPED_ANNOTATION, FAIL_ANNOTATION, NODE_LEASE_NAMESPACE } from './well-known.js';
export {
  defaultPodStages, loadStages, parseStages, nextState, firstMatchingStage, selectorMatches,
  type Stage, type StageContext, type StageResult, type DefaultStageOptions,
} from './stages/index.js';
