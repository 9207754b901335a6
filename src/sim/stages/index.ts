/** Pod stages as data: types, selectors, the pure next-state function, built-ins and loading. */
export { stageDelayMs, type Stage, type StageSelector, type StageRequirement, type StageDelay, type StageNext } from './stage.js';
export { selectorMatches, firstMatchingStage } from './selector.js';
export { nextState, containerID, type StageContext, type StageResult } from './next-state.js';
export { defaultPodStages, type DefaultStageOptions } from './default-stages.js';
export { parseStages, loadStages, validateStage } from './load-stages.js';
