export { ProberManager, type ProberManagerOptions } from './manager.js';
export { handlerRunner, probeContainer, type ProbeEventSink, type ProbeRunner, type ProbeTarget } from './prober.js';
export { ResultsCache, initialResult, type ProbeResult, type ProbeType } from './results.js';
export { ProbeWorker, type WorkerPodView } from './worker.js';
export { httpGet, handlerUrl, probeHeaders, PROBE_USER_AGENT } from './http-get.js';
export { resolveContainerPort } from './port.js';
export type { ProbeOutcome } from './outcome.js';
