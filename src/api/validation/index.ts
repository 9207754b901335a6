/** Shared validation: format checks, ObjectMeta, selectors, quantities and pod specs. */
export * from './names.js';
export * from './quantity.js';
export * from './object-meta.js';
export * from './label-selector.js';
export * from './resources.js';
export * from './volumes.js';
export * from './container.js';
export * from './pod.js';
