/** The label every simulated node carries (`"true"`): set by the simulator, read by controllers that treat such nodes apart. */
export const SIMULATED_LABEL = 'sim.k8ts.io/simulated';
