/**
 * The four node conditions a kubelet owns, with upstream's reasons and
 * messages (pkg/kubelet/nodestatus/setters.go). Shared by the real kubelet
 * and the simulated one so that both read the same to clients.
 */

export interface ConditionText { status: 'True' | 'False'; reason: string; message: string }

/** For each pressure condition: what it says when under pressure (True) and when not (False). */
export const PRESSURE_CONDITIONS = {
  MemoryPressure: {
    True: { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' },
    False: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  },
  DiskPressure: {
    True: { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' },
    False: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  },
  PIDPressure: {
    True: { status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' },
    False: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  },
} as const satisfies Record<string, Record<'True' | 'False', ConditionText>>;

export type PressureConditionType = keyof typeof PRESSURE_CONDITIONS;

/** Ready as a healthy kubelet posts it. */
export const NODE_READY: ConditionText = { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };

/** The reason of Ready=False; its message lists what is wrong, joined by ",". */
export const NODE_NOT_READY_REASON = 'KubeletNotReady';
